// SLS names available in a tree, and top-file SLS globs (`users.*`) expanded against them.
import type { StateTree } from '../store/tree.ts';
import { fnmatch, hasGlob } from '../match/glob.ts';

/** Every SLS name in `tree`, sorted: `a/b.sls` → `a.b`, `a/init.sls` → `a`. The top file is not an SLS. */
export function listSls(tree: StateTree): string[] {
  const names = new Set<string>();
  for (const path of tree.list()) {
    if (!path.endsWith('.sls')) continue;
    const base = path.slice(0, -4);
    const name = (base === 'init' ? '' : base.endsWith('/init') ? base.slice(0, -5) : base).replace(/\//g, '.');
    if (name && name !== 'top') names.add(name);
  }
  return [...names].sort();
}

/** The SLS names a top-file entry stands for: itself, or the available names its glob matches. */
export function expandSls(name: string, available: () => readonly string[]): string[] {
  if (!hasGlob(name)) return [name];
  const found = available().filter((s) => fnmatch(s, name));
  return found.length ? found : [name];
}
