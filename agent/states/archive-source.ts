// The archive archive.extracted unpacks: read from the state tree (salt://) or the host (a local
// path), as bytes, and checked against source_hash (a hash, `type=hash`, or a hash file naming it).
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StateContext } from './types.ts';
import { parseSaltUrl } from './file/source.ts';
import { TreeEscape } from '../store/tree-root.ts';

export interface LoadedArchive {
  /** The source used (the first of a list that exists). */
  source: string;
  bytes: Buffer;
}

const REMOTE = /^[a-z][a-z0-9+.-]*:\/\//i;

function readLocalBytes(path: string, ctx: StateContext): Buffer | undefined {
  const abs = join(ctx.root, path.replace(/^file:\/\//, ''));
  try {
    return statSync(abs).isFile() ? readFileSync(abs) : undefined;
  } catch {
    return undefined;
  }
}

/** One source's bytes; undefined when it does not exist. Throws with the reason a source is refused. */
function readOne(source: string, ctx: StateContext): Buffer | undefined {
  const salt = parseSaltUrl(source);
  if (salt) {
    try {
      return ctx.tree.readBytes(salt.path);
    } catch (e) {
      if (e instanceof TreeEscape) throw new Error(e.message, { cause: e });
      throw e;
    }
  }
  if (source.startsWith('/') || source.startsWith('file:///')) return readLocalBytes(source, ctx);
  if (REMOTE.test(source))
    throw new Error(`Source '${source}': only salt:// and local sources are supported here, not downloads`);
  throw new Error(`Source '${source}' is neither a salt:// URL nor an absolute path`);
}

/** The first source of the list that exists, or a comment saying why none can be used. */
export function loadArchive(sources: readonly string[], ctx: StateContext): LoadedArchive | string {
  for (const source of sources) {
    let bytes: Buffer | undefined;
    try {
      bytes = readOne(source, ctx);
    } catch (e) {
      return (e as Error).message;
    }
    if (bytes) return { source, bytes };
  }
  if (sources.length === 1) {
    const s = sources[0];
    return s.startsWith('salt://') ? `Source file '${s}' not found` : `Source file '${s}' does not exist`;
  }
  return `none of the specified sources were found: ${sources.join(', ')}`;
}

const BY_LENGTH: Readonly<Record<number, string>> = {
  32: 'md5',
  40: 'sha1',
  56: 'sha224',
  64: 'sha256',
  96: 'sha384',
  128: 'sha512',
};
const HASH_TYPES = new Set(Object.values(BY_LENGTH));

export interface SourceSum {
  type: string;
  hex: string;
}

/** `sha256=abc…` or a bare hex digest (its type from its length); undefined when it is neither. */
export function parseHashSpec(spec: string): SourceSum | undefined {
  const m = /^([a-z0-9]+)[=:]([0-9a-f]+)$/i.exec(spec.trim());
  const [type, hex] = m ? [m[1].toLowerCase(), m[2].toLowerCase()] : [undefined, spec.trim().toLowerCase()];
  if (!/^[0-9a-f]+$/.test(hex)) return undefined;
  const byLength = BY_LENGTH[hex.length];
  if (!byLength || (type !== undefined && type !== byLength) || !HASH_TYPES.has(byLength)) return undefined;
  return { type: byLength, hex };
}

/**
 * The hash for `file` in a hash file: `hash  name` lines (sha256sum's), BSD's `SHA256 (name) = hash`,
 * or a file holding just one hash. `name` (source_hash_name) must match the whole file field;
 * otherwise the source's base name matches a field ending in it.
 */
export function hashFromFile(text: string, file: string, name?: string): SourceSum | undefined {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const matches = (field: string): boolean =>
    name !== undefined ? field === name : field === file || field.endsWith(`/${file}`);
  for (const line of lines) {
    const bsd = /^([A-Za-z0-9]+) \((.+)\) = ([0-9a-fA-F]+)$/.exec(line);
    if (bsd && matches(bsd[2])) return parseHashSpec(bsd[3]);
    const gnu = /^([0-9a-fA-F]+)\s+\*?(.+)$/.exec(line);
    if (gnu && matches(gnu[2].trim())) return parseHashSpec(gnu[1]);
  }
  if (lines.length === 1 && !/\s/.test(lines[0])) return parseHashSpec(lines[0]);
  return undefined;
}

/** The expected sum from source_hash, or a comment saying why it cannot be had. */
export function expectedSum(
  sourceHash: string,
  source: string,
  hashName: string | undefined,
  ctx: StateContext,
): SourceSum | string {
  const direct = parseHashSpec(sourceHash);
  if (direct) return direct;
  if (!sourceHash.startsWith('salt://') && !sourceHash.startsWith('/') && !sourceHash.startsWith('file:///'))
    return `Invalid source_hash '${sourceHash}': not a hash, type=hash, or a salt:// or local hash file`;
  const file = loadArchive([sourceHash], ctx);
  if (typeof file === 'string') return `Unable to read source_hash ${sourceHash}: ${file}`;
  const base = basename(parseSaltUrl(source)?.path ?? source);
  const sum = hashFromFile(file.bytes.toString('utf8'), base, hashName);
  return sum ?? `Source hash file ${sourceHash} contains no hash for ${hashName ?? base}`;
}

export function actualSum(bytes: Buffer, type: string): string {
  return createHash(type).update(bytes).digest('hex');
}
