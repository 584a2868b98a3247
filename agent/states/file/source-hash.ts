// source_hash of file.managed: the hash a source must have, given as `hash_type=hexdigest`, as a
// bare hex digest (its type told by its length), or as a hash file (salt:// or a local path) in
// sha256sum, BSD or `type=hash` form, where the line for the source is found by source_hash_name,
// else by the source's or the file's name, else the file's only hash is taken.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { StateContext } from '../types.ts';
import { readSource } from './source.ts';

export interface SourceSum {
  hashType: string;
  hsum: string;
}

/** Salt's supported hash types and the length of their hex digests. */
const HASHES: Readonly<Record<string, number>> = {
  sha512: 128,
  sha384: 96,
  sha256: 64,
  sha224: 56,
  sha1: 40,
  md5: 32,
};
const TYPE_BY_LENGTH = new Map(Object.entries(HASHES).map(([t, n]) => [n, t]));
const SUPPORTED = Object.entries(HASHES)
  .map(([t, n]) => `${t} (${n})`)
  .join(', ');

function formatError(sourceHash: string): string {
  return (
    `Source hash ${sourceHash} format is invalid. The supported formats are: 1) a hash, 2) an expression in the ` +
    'format <hash_type>=<hash>, or 3) a salt:// URL or local path of a file containing hashes. The following are ' +
    `supported hash types and lengths: ${SUPPORTED}.`
  );
}

/** `sha256=abc…` or a bare hex digest; an error in Salt's words when it is neither. */
export function parseHashString(text: string, shown = text): { sum?: SourceSum; error?: string } {
  const eq = text.indexOf('=');
  const hashType = eq === -1 ? TYPE_BY_LENGTH.get(text.trim().length) : text.slice(0, eq).trim().toLowerCase();
  const hsum = (eq === -1 ? text : text.slice(eq + 1)).trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(hsum) || hashType === undefined) return { error: formatError(shown) };
  if (!(hashType in HASHES)) {
    return { error: `Invalid hash type '${hashType}'. Only the following hash types are supported: ${SUPPORTED}.` };
  }
  if (hsum.length !== HASHES[hashType]) {
    return {
      error: `Invalid length (${hsum.length}) for hash type '${hashType}'. Supported hash types and lengths are: ${SUPPORTED}`,
    };
  }
  return { sum: { hashType, hsum } };
}

interface HashLine {
  sum: string;
  file?: string;
}

/** One line of a hash file: `HASH  file` (sha256sum; `*file` in binary mode), `SHA256 (file) = HASH`, `HASH`. */
function hashLine(line: string): HashLine | undefined {
  const gnu = /^([0-9a-fA-F]+)\s+\*?(.+?)\s*$/.exec(line);
  if (gnu) return { sum: gnu[1], file: gnu[2] };
  const bsd = /^(\w+)\s*\((.+)\)\s*=\s*([0-9a-fA-F]+)\s*$/.exec(line);
  if (bsd) return { sum: `${bsd[1]}=${bsd[3]}`, file: bsd[2] };
  const bare = /^\s*((?:\w+=)?[0-9a-fA-F]+)\s*$/.exec(line);
  return bare ? { sum: bare[1] } : undefined;
}

const sameFile = (listed: string, wanted: string): boolean =>
  listed === wanted || posix.basename(listed) === posix.basename(wanted);

/** The hash for one of `names` (tried in order) in a hash file's text, else the file's only hash. */
export function extractHash(text: string, names: readonly string[]): string | undefined {
  const lines = text
    .split(/\r?\n/)
    .map(hashLine)
    .filter((l): l is HashLine => l !== undefined);
  for (const n of names) {
    const hit = lines.find((l) => l.file !== undefined && sameFile(l.file, n));
    if (hit) return hit.sum;
  }
  return lines.length === 1 ? lines[0].sum : undefined;
}

const isHashFile = (s: string): boolean => s.startsWith('salt://') || s.startsWith('/') || s.startsWith('file:///');

/** The sum a source must have, from source_hash (a hash, or a hash file naming the source). */
export function sourceSum(
  ctx: StateContext,
  sourceHash: string,
  o: { source: string; name: string; hashName?: string },
): { sum?: SourceSum; error?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(sourceHash) && !isHashFile(sourceHash)) {
    return { error: `Source hash file ${sourceHash} cannot be read: only salt:// and local hash files are supported` };
  }
  if (!isHashFile(sourceHash)) return parseHashString(sourceHash);
  const { text, refused } = readSource(sourceHash, ctx);
  if (refused) return { error: refused };
  if (text === undefined) return { error: `Source hash file ${sourceHash} not found` };
  const names = [...(o.hashName ? [o.hashName] : []), o.source.replace(/^salt:\/\/|^file:\/\//, ''), o.name];
  const found = extractHash(text, names);
  if (found === undefined) {
    return { error: `Source hash file ${sourceHash} has no hash for ${o.hashName ?? o.source}` };
  }
  return parseHashString(found, sourceHash);
}

/** Undefined when `data` has the sum, else Salt's comment for a mismatch. */
export function verifySum(sum: SourceSum, data: string | Buffer, source: string): string | undefined {
  const actual = createHash(sum.hashType).update(data).digest('hex');
  if (actual === sum.hsum) return undefined;
  return (
    `Specified ${sum.hashType} checksum for ${source} (${sum.hsum}) does not match actual checksum (${actual}). ` +
    "If the 'source_hash' value refers to a remote file with multiple possible matches, then it may be necessary " +
    "to set 'source_hash_name'."
  );
}
