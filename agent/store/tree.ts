// A state or pillar tree: files addressed by tree-relative POSIX paths.
// FsTree reads a directory; MemTree holds files in memory (tests, shipped trees).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { normalTreePath } from './tree-path.ts';
import { TreeEscape, TreeRoot } from './tree-root.ts';

export interface StateTree {
  /** Human-readable location, used in error messages. */
  readonly label: string;
  /**
   * Contents of a file, or undefined when there is no such file. A tree on disk throws TreeEscape
   * for a path that resolves outside it (tree-root.ts).
   */
  read(path: string): string | undefined;
  /** The same file's bytes, for sources that are not text (archives); refuses as read() does. */
  readBytes(path: string): Buffer | undefined;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** All file paths under dir (recursive), sorted. */
  list(dir?: string): string[];
}

export { normalTreePath } from './tree-path.ts';

/**
 * A tree on disk. Every read goes through its TreeRoot: a path that resolves (symlinks included)
 * outside the root or into a fenced root throws TreeEscape; list() leaves such entries out.
 */
export class FsTree implements StateTree {
  readonly label: string;
  readonly root: TreeRoot;
  constructor(root: string | TreeRoot) {
    this.root = typeof root === 'string' ? new TreeRoot(root) : root;
    this.label = this.root.dir;
  }
  read(path: string): string | undefined {
    return this.readBytes(path)?.toString('utf8');
  }
  readBytes(path: string): Buffer | undefined {
    const real = this.root.resolve(path, this.label);
    if (real === undefined) return undefined;
    try {
      return readFileSync(real);
    } catch {
      return undefined;
    }
  }
  /** True for a file, also one that read() would refuse (so the refusal is reported, not "not found"). */
  isFile(path: string): boolean {
    return this.kind(path) === 'file';
  }
  isDir(path: string): boolean {
    return this.kind(path) === 'dir';
  }
  private kind(path: string): 'file' | 'dir' | undefined {
    let st;
    try {
      st = statSync(join(this.root.dir, normalTreePath(path)));
    } catch {
      return undefined;
    }
    if (st.isFile()) return 'file';
    return st.isDirectory() && this.root.resolveQuietly(path) !== undefined ? 'dir' : undefined;
  }
  list(dir = ''): string[] {
    return this.root.files(dir).map((f) => f.path);
  }
}

/** A tree held as a map of normalized paths; subclasses say how a file's contents are read. */
export abstract class KeyedTree<V> implements StateTree {
  protected readonly files: Map<string, V>;
  constructor(
    entries: Record<string, V>,
    readonly label: string,
  ) {
    this.files = new Map(Object.entries(entries).map(([k, v]) => [normalTreePath(k), v]));
  }
  abstract read(path: string): string | undefined;
  abstract readBytes(path: string): Buffer | undefined;
  isFile(path: string): boolean {
    return this.files.has(normalTreePath(path));
  }
  isDir(path: string): boolean {
    const p = normalTreePath(path);
    const prefix = p ? `${p}/` : '';
    for (const k of this.files.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }
  list(dir = ''): string[] {
    const p = normalTreePath(dir);
    const prefix = p ? `${p}/` : '';
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

export class MemTree extends KeyedTree<string> {
  constructor(files: Record<string, string>, label = '<memory>') {
    super(files, label);
  }
  read(path: string): string | undefined {
    return this.files.get(normalTreePath(path));
  }
  readBytes(path: string): Buffer | undefined {
    const text = this.read(path);
    return text === undefined ? undefined : Buffer.from(text, 'utf8');
  }
}

/** Where an SLS name lives: `a.b` → `a/b.sls`, else `a/b/init.sls`. */
export function locateSls(tree: StateTree, sls: string): { path: string; isInit: boolean } | undefined {
  const base = sls.replace(/\./g, '/');
  if (tree.isFile(`${base}.sls`)) return { path: `${base}.sls`, isInit: false };
  if (tree.isFile(`${base}/init.sls`)) return { path: `${base}/init.sls`, isInit: true };
  return undefined;
}

/** read() with a refused path (TreeEscape) as data: `refused` holds why, for an error message. */
export function readTreeFile(tree: StateTree, path: string): { text?: string; refused?: string } {
  try {
    const text = tree.read(path);
    return text === undefined ? {} : { text };
  } catch (e) {
    if (e instanceof TreeEscape) return { refused: e.message };
    throw e;
  }
}
