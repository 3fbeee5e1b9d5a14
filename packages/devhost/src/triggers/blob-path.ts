/** A blob trigger path such as `offers/{publisherId}/{name}.json`: its container and a matcher for blob names. */
export interface BlobPath {
  container: string;
  /** The `{token}` values when a blob name (within the container) matches, else null. */
  match(blobName: string): Record<string, string> | null;
}

export function compileBlobPath(path: string): BlobPath {
  const slash = path.indexOf('/');
  const container = slash < 0 ? path : path.slice(0, slash);
  const rest = slash < 0 ? '{name}' : path.slice(slash + 1) || '{name}';
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-)){2,62}$/.test(container) && !/^\$/.test(container)) {
    throw new Error(`Blob trigger path '${path}': '${container}' is not a valid container name.`);
  }
  const names: string[] = [];
  let pattern = '';
  const re = /\{(\w+)\}/g;
  let last = 0;
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    pattern += escape(rest.slice(last, m.index)) + '(.+?)';
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  pattern += escape(rest.slice(last));
  const regex = new RegExp(`^${pattern}$`);
  return {
    container,
    match(blobName) {
      const m = regex.exec(blobName);
      if (!m) return null;
      return Object.fromEntries(names.map((n, i) => [n, m[i + 1]]));
    },
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
