// A state tree made of a manifest (tree-relative path → sha256) over the content-addressed cache:
// the tree the master shipped for one job, read without being laid out as a directory.
import { posix } from 'node:path';
import type { Cas } from './cas.ts';
import type { StateTree } from './tree.ts';

function normal(path: string): string {
  const p = posix.normalize(path.replace(/^\/+/, ''));
  if (p === '..' || p.startsWith('../')) throw new Error(`path escapes the tree: ${path}`);
  return p === '.' ? '' : p;
}

export class ManifestTree implements StateTree {
  private readonly files: Map<string, string>;
  private readonly cache = new Map<string, string | undefined>();

  constructor(manifest: Record<string, string>, private readonly cas: Cas, readonly label = 'salt://') {
    this.files = new Map(Object.entries(manifest).map(([k, v]) => [normal(k), v]));
  }

  read(path: string): string | undefined {
    const hash = this.files.get(normal(path));
    if (hash === undefined) return undefined;
    if (!this.cache.has(hash)) this.cache.set(hash, this.cas.read(hash)?.toString('utf8'));
    return this.cache.get(hash);
  }

  isFile(path: string): boolean {
    return this.files.has(normal(path));
  }

  isDir(path: string): boolean {
    const p = normal(path);
    if (p === '') return true;
    for (const k of this.files.keys()) if (k.startsWith(`${p}/`)) return true;
    return false;
  }

  list(dir = ''): string[] {
    const p = normal(dir);
    const prefix = p ? `${p}/` : '';
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
