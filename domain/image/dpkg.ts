// dpkg's database of installed packages (/var/lib/dpkg/status, deb822 stanzas separated by blank
// lines), read in chunks: a full system's file is megabytes, and only a few packages matter, so
// only those are kept. A stanza that never ends is cut off at a bound instead of growing forever.

export interface DpkgPackage {
  name: string;
  arch?: string;
  version: string;
}

const MAX_STANZA = 1024 * 1024;

/** One stanza's package, when it is installed ("Status: install ok installed"). */
export function parseDpkgStanza(text: string): DpkgPackage | undefined {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s*(.*)$/.exec(line);
    if (m) fields.set(m[1].toLowerCase(), m[2].trim());
  }
  const name = fields.get('package');
  const version = fields.get('version');
  if (
    !name ||
    !version ||
    !/\binstalled$/.test(fields.get('status') ?? '') ||
    /^(deinstall|purge)\b/.test(fields.get('status') ?? '')
  )
    return undefined;
  return { name, arch: fields.get('architecture'), version };
}

export class DpkgStatusReader {
  readonly packages = new Map<string, DpkgPackage>();
  private partial = '';

  constructor(private readonly wanted: (name: string) => boolean) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const stanzas = text.split(/\n[ \t]*\n/);
    this.partial = stanzas.pop() ?? '';
    if (this.partial.length > MAX_STANZA)
      throw new RangeError(`A stanza of the dpkg status file is longer than ${MAX_STANZA} bytes: the file is corrupt.`);
    for (const s of stanzas) this.take(s);
  }

  end(): Map<string, DpkgPackage> {
    this.take(this.partial);
    this.partial = '';
    return this.packages;
  }

  private take(stanza: string): void {
    // The name is the stanza's first field: look before parsing the rest of a long description.
    const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
    if (!name || !this.wanted(name)) return;
    const p = parseDpkgStanza(stanza);
    if (p) this.packages.set(p.name, p);
  }
}

/** The upstream part of a Debian version: without the epoch ("1:") and the revision ("-0ubuntu1"). */
export function upstreamVersion(v: string): string {
  return v.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}
