// Saltenvs and their state trees. With several environments (Salt's file_roots), each saltenv has
// its own tree; a saltenv made of several directories reads a path from the first one that has it.
import { MemTree, type StateTree } from './tree.ts';

/** saltenv → its state tree, in the order the environments are searched (base first). */
export type EnvTrees = ReadonlyMap<string, StateTree>;

/**
 * The tree of `env`: with no EnvTrees (one state tree), the single tree serves every saltenv; a
 * saltenv the EnvTrees lack has an empty tree, so each SLS asked of it is not found there.
 */
export function treeOfEnv(tree: StateTree, envs: EnvTrees | undefined, env: string): StateTree {
  if (!envs) return tree;
  return envs.get(env) ?? new MemTree({}, `saltenv '${env}' (not in file_roots)`);
}

/** Several trees read as one: a path comes from the first tree that has it (Salt's file_roots list). */
export class OverlayTree implements StateTree {
  readonly label: string;
  constructor(private readonly layers: readonly StateTree[]) {
    this.label = layers.map((l) => l.label).join(', ') || '<empty>';
  }
  private owner(path: string): StateTree | undefined {
    return this.layers.find((l) => l.isFile(path));
  }
  read(path: string): string | undefined {
    return this.owner(path)?.read(path);
  }
  readBytes(path: string): Buffer | undefined {
    return this.owner(path)?.readBytes(path);
  }
  isFile(path: string): boolean {
    return this.owner(path) !== undefined;
  }
  isDir(path: string): boolean {
    return this.layers.some((l) => l.isDir(path));
  }
  list(dir = ''): string[] {
    return [...new Set(this.layers.flatMap((l) => l.list(dir)))].sort();
  }
}
