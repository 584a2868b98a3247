// The `salt[...]` functions that look at the state tree being rendered (Salt's file server):
// cp.list_states, cp.list_master, cp.list_master_dirs, slsutil.file_exists, slsutil.dir_exists.
import type { StateTree } from '../store/tree.ts';
import type { SaltSpec } from './salt-slsutil.ts';
import { pyStr } from './pyvalue.ts';

/** Salt's fileclient list_states: `a/b.sls` is `a.b`, `a/init.sls` is `a`. */
export function slsNamesOf(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    if (!f.endsWith('.sls')) continue;
    const dotted = f.replace(/\//g, '.');
    out.push(f.endsWith('/init.sls') ? dotted.slice(0, -'.init.sls'.length) : dotted.slice(0, -'.sls'.length));
  }
  return out;
}

function dirsOf(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

const stripSalt = (p: unknown): string =>
  pyStr(p)
    .replace(/^salt:\/\//, '')
    .replace(/^\/+/, '');

export function treeSpecs(tree: StateTree): Record<string, SaltSpec> {
  const prefixed = (list: string[], prefix: unknown): string[] => list.filter((p) => p.startsWith(pyStr(prefix)));
  return {
    'cp.list_states': { params: ['saltenv'], defaults: { saltenv: null }, impl: () => slsNamesOf(tree.list()) },
    'cp.list_master': {
      params: ['saltenv', 'prefix'],
      defaults: { saltenv: null, prefix: '' },
      impl: (a) => prefixed(tree.list(), a.prefix),
    },
    'cp.list_master_dirs': {
      params: ['saltenv', 'prefix'],
      defaults: { saltenv: null, prefix: '' },
      impl: (a) => prefixed(dirsOf(tree.list()), a.prefix),
    },
    'slsutil.file_exists': {
      params: ['path', 'saltenv'],
      defaults: { saltenv: null },
      impl: (a) => tree.isFile(stripSalt(a.path)),
    },
    'slsutil.dir_exists': {
      params: ['path', 'saltenv'],
      defaults: { saltenv: null },
      impl: (a) => tree.isDir(stripSalt(a.path)),
    },
  };
}
