// The manifests of several saltenvs (file_roots): each environment's directories merged in search
// order, the first directory that has a path giving its file. Files are content-addressed, so a file
// in several environments is sent once and a host asks only for the contents it lacks.
import type { TreeRoot } from '../../agent/store/tree-root.ts';
import { type Manifest, type TreeManifest, treeManifest } from './manifest.ts';

export interface EnvManifests {
  /** saltenv → manifest, in search order. */
  envs: Record<string, Manifest>;
  /** The contents of the file with this sha256 in any environment, read again through its root. */
  read(sha256: string): Buffer | undefined;
}

export function envManifests(roots: ReadonlyMap<string, readonly TreeRoot[]>): EnvManifests {
  const scanned = new Map<string, TreeManifest>();
  const envs: Record<string, Manifest> = {};
  for (const [env, list] of roots) {
    const merged: Manifest = {};
    for (const root of list) {
      let m = scanned.get(root.dir);
      if (!m) scanned.set(root.dir, (m = treeManifest(root)));
      for (const [path, hash] of Object.entries(m.manifest)) merged[path] ??= hash;
    }
    envs[env] = merged;
  }
  const read = (hash: string): Buffer | undefined => {
    for (const m of scanned.values()) {
      const data = m.read(hash);
      if (data) return data;
    }
    return undefined;
  };
  return { envs, read };
}
