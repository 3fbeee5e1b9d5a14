// Solid-colour PNGs of the marketplace's logo sizes, inline as data: URLs, so the sample offer's
// artifacts can be ingested (downloaded, checked, stored) without any outside host.
// Generated once: 8-bit RGB, one IDAT chunk, Contoso blue.

export const SAMPLE_SMALL_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACgAAAAoCAIAAAADnC86AAAALklEQVR42u3NMQ0AAAgDsMlGKIJmgoSnSf8msz/EYrFYLBaLxWKxWCwWi8XiOwWfKht55gbySwAAAABJRU5ErkJggg=='; // 40x40, 103 bytes
export const SAMPLE_MEDIUM_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAFoAAABaCAIAAAC3ytZVAAAAg0lEQVR42u3QMQ0AAAgDsMlGKIJ2IoGnSRU0meUo0KFDhw4dOnTo0KFDhw4dOnTo0KFDBzp06NChQ4cOHTp06NChQ4cOHTp06NCBDh06dOjQoUOHDh06dOjQoUOHDh06dKBDhw4dOnTo0KFDhw4dOnTo0KFDhw4d6NChQ4cOHTp06PhUkYULGLGsZg4AAAAASUVORK5CYII='; // 90x90, 188 bytes
export const SAMPLE_LARGE_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAHMAAABzCAIAAAAkIaqxAAAAqUlEQVR42u3QMQ0AAAgDsMlGKIKmgosmVdBklhMKzJrFrFmzmDVrFrNmzWLWrFnMmjWLWbNmMWvWLGbNmsWsWbOYNWsWs2bNYtasWcyaNYtZs5g1axazZs1i1qxZzJo1i1mzZjFr1ixmzZrFrFmzmDVrFrNmzWLWrFnMmjWLWbNmMWvWrAWzZjFr1ixmzZrFrFmzmDVrFrNmzWLWrFnMmjWLWbNmMWv2gQKa8wMap+hn2QAAAABJRU5ErkJggg=='; // 115x115, 226 bytes
export const SAMPLE_WIDE_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAP8AAABzCAIAAADYGEM+AAAA9UlEQVR42u3SQQ0AAAgDsclGKIImgwdNquByySw8JQHuB/eD+8H94H5wP7gf3A/uB/eD+8H94H5wP7gf3A/uB/eD+8H94H5wP7gf3A/uB/eD+8H94H5wP7gf3I/7wf3gfnA/uB/cD+4H94P7wf3gfnA/uB/cD+4H94P7wf3gfnA/uB/cD+4H94P7wf3gfnA/uB/cD+4H9+N+cD+4H9wP7gf3g/vB/eB+cD+4H9wP7gf3g/vB/eB+cD+4H9wP7gf3g/vB/eB+cD+4H9wP7gf3g/vB/bhfBdwP7gf3g/vB/eB+cD+4H9wP7gf3g/vB/eB+cD+4H44Uf6+XiYEcLAIAAAAASUVORK5CYII='; // 255x115, 302 bytes
