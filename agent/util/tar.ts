// Reading one file out of a tar archive in memory (ustar, with GNU long names and pax paths), for
// the package files states look into: an npm tarball's package/package.json, a .gem's metadata.gz.
// Pure; bounded by the buffer it is given.

const BLOCK = 512;

function field(buf: Buffer, at: number, len: number): string {
  const raw = buf.subarray(at, at + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? raw.length : nul).toString('utf8');
}

function octal(buf: Buffer, at: number, len: number): number {
  const text = field(buf, at, len).trim();
  return text ? parseInt(text, 8) : 0;
}

/** The pax `path` record of an extended header, if any. */
function paxPath(body: Buffer): string | undefined {
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
  return m?.[1];
}

/** The contents of the first regular file at `path` (or matching it), or undefined. */
export function tarEntry(tar: Buffer, path: string | RegExp): Buffer | undefined {
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 48);
    const body = tar.subarray(at + BLOCK, at + BLOCK + size);
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (!Number.isFinite(size) || size < 0) return undefined;
    if (type === 'L') {
      longName = field(body, 0, body.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(body) ?? longName;
      continue;
    }
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0' && type !== '7') continue;
    const hit = typeof path === 'string' ? name.replace(/^\.\//, '') === path : path.test(name);
    if (hit) return Buffer.from(body);
  }
  return undefined;
}
