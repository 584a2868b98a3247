// A state tree made of a manifest (tree-relative path → sha256) over the content-addressed cache:
// the tree the master shipped for one job, read without being laid out as a directory.
import type { Cas } from './cas.ts';
import { KeyedTree, normalTreePath } from './tree.ts';

export class ManifestTree extends KeyedTree<string> {
  private readonly cache = new Map<string, string | undefined>();

  constructor(
    manifest: Record<string, string>,
    private readonly cas: Cas,
    label = 'salt://',
  ) {
    super(manifest, label);
  }

  read(path: string): string | undefined {
    const hash = this.files.get(normalTreePath(path));
    if (hash === undefined) return undefined;
    if (!this.cache.has(hash)) this.cache.set(hash, this.cas.read(hash)?.toString('utf8'));
    return this.cache.get(hash);
  }

  readBytes(path: string): Buffer | undefined {
    const hash = this.files.get(normalTreePath(path));
    return hash === undefined ? undefined : this.cas.read(hash);
  }

  /** The root is a directory even when the manifest is empty. */
  override isDir(path: string): boolean {
    return normalTreePath(path) === '' || super.isDir(path);
  }
}
