// Tree-relative paths: POSIX, without leading slashes or `.`, never above the tree's top.
import { posix } from 'node:path';

/** A tree-relative POSIX path without leading slashes or `.`; throws for paths that leave the tree. */
export function normalTreePath(path: string): string {
  const p = posix.normalize(path.replace(/^\/+/, ''));
  if (p === '..' || p.startsWith('../')) throw new Error(`path escapes the tree: ${path}`);
  return p === '.' ? '' : p;
}
