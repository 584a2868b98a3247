// The agent's content-addressed file cache: each state-tree file is stored once, under its sha256,
// so a file the VM received for an earlier job never travels again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_CAS_ROOT = '/var/lib/halite/files';

const SHA256 = /^[0-9a-f]{64}$/;

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export class Cas {
  constructor(readonly root: string = DEFAULT_CAS_ROOT) {}

  private path(hash: string): string {
    if (!SHA256.test(hash)) throw new Error(`not a sha256: ${JSON.stringify(hash)}`);
    return join(this.root, hash);
  }

  has(hash: string): boolean {
    return existsSync(this.path(hash));
  }

  /** The hashes of `hashes` not stored yet, each once, in first-seen order. */
  missing(hashes: Iterable<string>): string[] {
    const out = new Set<string>();
    for (const h of hashes) if (!out.has(h) && !this.has(h)) out.add(h);
    return [...out];
  }

  read(hash: string): Buffer | undefined {
    try {
      return readFileSync(this.path(hash));
    } catch {
      return undefined;
    }
  }

  /** Stores `data` under `hash` (written aside, then renamed); throws when the contents do not match the hash. */
  put(hash: string, data: Buffer): void {
    const path = this.path(hash);
    const actual = sha256(data);
    if (actual !== hash) throw new Error(`file ${hash} arrived with sha256 ${actual}`);
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, path);
  }
}
