// Compiled highstates kept between runs on a VM. Rendering and compiling depend only on what the
// job sends (state-tree manifest, pillar, mine data, targets), the host's grains and the agent
// itself, so a run whose inputs hash the same reuses the chunks of the last one. Pillar values end
// up in state arguments, so a cache file is encrypted (AES-256-GCM) with a key derived from those
// inputs: it can only be read by a job that sends the same pillar again, and holds nothing readable
// at rest. Only successful compiles are kept; errors are always recomputed, as are the results.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import type { LowChunk } from '../protocol.ts';

export const DEFAULT_COMPILE_CACHE = '/var/lib/halite/compiled';
/** Cache files kept per directory (one per distinct set of inputs; the oldest go first). */
const KEEP = 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CompileCache {
  /** The chunks compiled last time from these inputs, if any. */
  get(): LowChunk[] | undefined;
  /** Keeps `chunks` for the next run with these inputs (a failure to write is ignored). */
  put(chunks: LowChunk[]): void;
}

/** `inputs` must hold everything the compile reads; it is hashed as JSON. */
export function compileCache(dir: string, inputs: unknown): CompileCache {
  const material = createHash('sha256').update('halite compile inputs\0').update(JSON.stringify(inputs)).digest();
  const key = createHash('sha256').update('halite compile cache key\0').update(material).digest();
  const name = createHash('sha256').update('halite compile cache name\0').update(material).digest('hex');
  const file = join(dir, `${name}.bin`);
  return {
    get() {
      let data: Buffer;
      try {
        data = readFileSync(file);
      } catch {
        return undefined;
      }
      try {
        const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        d.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const plain = Buffer.concat([d.update(data.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
        const chunks = deserialize(plain) as unknown;
        if (!Array.isArray(chunks)) return undefined;
        const now = new Date();
        utimesSync(file, now, now); // recently used: kept longest
        return chunks as LowChunk[];
      } catch {
        rmSync(file, { force: true });
        return undefined;
      }
    },
    put(chunks) {
      try {
        const plain = serialize(chunks);
        // Only data that survives the round trip unchanged is kept.
        if (!isDeepStrictEqual(deserialize(plain), chunks)) return;
        const iv = randomBytes(IV_BYTES);
        const c = createCipheriv('aes-256-gcm', key, iv);
        const body = Buffer.concat([c.update(plain), c.final()]);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${file}.${process.pid}`;
        writeFileSync(tmp, Buffer.concat([iv, c.getAuthTag(), body]), { mode: 0o600 });
        renameSync(tmp, file);
        prune(dir);
      } catch {
        // a cache that cannot be written only costs the next run the compile
      }
    },
  };
}

function prune(dir: string): void {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }));
  files.sort((a, b) => b.t - a.t);
  for (const { f } of files.slice(KEEP)) rmSync(join(dir, f), { force: true });
}
