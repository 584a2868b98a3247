// The manifest of a state tree: tree-relative path → sha256 of the file's contents. Hashes are
// remembered by real path, mtime and size, so repeated jobs re-hash only the files that changed.
// Files are found and read through the tree's root (agent/store/tree-root.ts): a symlink that leaves the
// tree, or a fenced tree nested inside it (the pillars), is neither listed nor shipped.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { TreeRoot } from '../../agent/store/tree-root.ts';

export type Manifest = Record<string, string>;

interface Entry {
  mtimeMs: number;
  size: number;
  sha256: string;
}

export interface TreeManifest {
  manifest: Manifest;
  /**
   * The contents of the file with this sha256, read again through the root; undefined when no
   * file of the tree has it (any more).
   */
  read(sha256: string): Buffer | undefined;
}

const sha256Of = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export class ManifestCache {
  private readonly entries = new Map<string, Entry>();
  /** Files hashed (not served from the cache) since this cache was made. */
  hashed = 0;

  /** The manifest of the tree at `at` (hidden files and directories left out). */
  scan(at: TreeRoot | string): TreeManifest {
    const root = typeof at === 'string' ? new TreeRoot(at) : at;
    const manifest: Manifest = {};
    const byHash = new Map<string, string>();
    for (const { path, real } of root.files('', { hidden: false })) {
      let st;
      try {
        st = statSync(real);
      } catch {
        continue;
      }
      let e = this.entries.get(real);
      if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
        e = { mtimeMs: st.mtimeMs, size: st.size, sha256: sha256Of(readFileSync(real)) };
        this.entries.set(real, e);
        this.hashed++;
      }
      manifest[path] = e.sha256;
      if (!byHash.has(e.sha256)) byHash.set(e.sha256, path);
    }
    const read = (hash: string): Buffer | undefined => {
      const path = byHash.get(hash);
      const real = path === undefined ? undefined : root.resolveQuietly(path);
      if (real === undefined) return undefined;
      const data = readFileSync(real);
      return sha256Of(data) === hash ? data : undefined;
    };
    return { manifest, read };
  }
}

const shared = new ManifestCache();

/** The manifest of `root`, through a cache shared by the whole process. */
export function treeManifest(root: TreeRoot | string): TreeManifest {
  return shared.scan(root);
}
