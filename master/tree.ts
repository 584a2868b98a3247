// The manifest of a state tree: tree-relative path → sha256 of the file's contents. Hashes are
// remembered by path, mtime and size, so repeated jobs re-hash only the files that changed.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Manifest = Record<string, string>;

interface Entry {
  mtimeMs: number;
  size: number;
  sha256: string;
}

export interface TreeManifest {
  manifest: Manifest;
  /** sha256 → absolute path of one file with those contents. */
  paths: Map<string, string>;
}

function walk(root: string, rel: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(root, p, out);
    else if (e.isFile()) out.push(p);
  }
}

export class ManifestCache {
  private readonly entries = new Map<string, Entry>();
  /** Files hashed (not served from the cache) since this cache was made. */
  hashed = 0;

  /** The manifest of the directory `root` (hidden files and directories left out). */
  scan(root: string): TreeManifest {
    const rels: string[] = [];
    walk(root, '', rels);
    rels.sort();
    const manifest: Manifest = {};
    const paths = new Map<string, string>();
    for (const rel of rels) {
      const abs = join(root, rel);
      const st = statSync(abs);
      let e = this.entries.get(abs);
      if (!e || e.mtimeMs !== st.mtimeMs || e.size !== st.size) {
        e = { mtimeMs: st.mtimeMs, size: st.size, sha256: createHash('sha256').update(readFileSync(abs)).digest('hex') };
        this.entries.set(abs, e);
        this.hashed++;
      }
      manifest[rel] = e.sha256;
      if (!paths.has(e.sha256)) paths.set(e.sha256, abs);
    }
    return { manifest, paths };
  }
}

const shared = new ManifestCache();

/** The manifest of `root`, through a cache shared by the whole process. */
export function treeManifest(root: string): TreeManifest {
  return shared.scan(root);
}
