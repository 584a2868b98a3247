// Everything a command needs before compiling: validated configuration, roster and trees.
import { existsSync, statSync } from 'node:fs';
import type { ErrorData } from '../../agent/errors.ts';
import { FsTree, type StateTree } from '../../agent/store/tree.ts';
import { TreeRoot, treeRoots } from '../../agent/store/tree-root.ts';
import { type EnvTrees, OverlayTree } from '../../agent/store/env-trees.ts';
import type { FileRoots } from './file-roots.ts';
import { CliError, usageError } from '../cli-error.ts';
import { type HaliteConfig, loadConfig } from './halite-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import { type RoleSet, loadRoles } from './roles.ts';
import { type Roster, type RosterHost, loadRoster } from './roster.ts';

export interface Workspace {
  config: HaliteConfig;
  roster: Roster;
  states: StateTree;
  /** The state tree's root: what is shipped to VMs is listed and read through it. */
  statesRoot: TreeRoot;
  /** With file_roots: saltenv → its tree (`states` is base's), and the directories it is read from. */
  envs?: EnvTrees;
  envRoots?: ReadonlyMap<string, readonly TreeRoot[]>;
  pillar: StateTree;
  /** The private pillar tree, when its directory exists. */
  privatePillar?: StateTree;
  /** The roles, when asked for (`roles: true`): then the roster's role names were checked against them. */
  roles?: RoleSet;
  /** What `halite lint` reports beside its own findings: values of halite.yaml and the roster that YAML 1.1 reads. */
  lintWarnings: ErrorData[];
}

export interface WorkspaceOptions {
  /** --config */
  config?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Keep going with the valid hosts when roster entries have errors (the command reports them
   *  itself); errors of the roster file as a whole still end the command. */
  allowRosterErrors?: boolean;
  /** Load the roles (roles/*.yaml) and accept only roster roles that have a file (jobs, lint). */
  roles?: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Loads config and roster; throws a CliError (exit 5) listing every problem found. */
export function openWorkspace(opts: WorkspaceOptions): Workspace {
  const { config, errors, lintWarnings = [] } = loadConfig(opts.config, opts.env, opts.cwd);
  if (errors.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, errors);
  const missing: ErrorData[] = [];
  const stateDirs = config.fileRoots ? Object.values(config.fileRoots).flat() : [];
  for (const dir of new Set(stateDirs)) {
    if (!isDir(dir))
      missing.push({
        code: 'CONFIG',
        message: `file_roots: directory ${dir} does not exist`,
        ...(config.file ? { file: config.file } : {}),
      });
  }
  if (!config.fileRoots && !isDir(config.states)) {
    missing.push({
      code: 'CONFIG',
      message: `states: directory ${config.states} does not exist`,
      ...(config.file ? { file: config.file } : {}),
    });
  }
  if (missing.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, missing);
  const roles = opts.roles ? loadRoles(config.roles, { levels: Object.keys(config.levels) }) : undefined;
  // without a readable roles directory no role is known: its own error says so, not one per host
  const readable = roles && roles.issues.every((i) => i.roles.length > 0);
  const roster = loadRoster(config, readable ? roles.names : undefined);
  const fatal = opts.allowRosterErrors ? roster.errors.filter((e) => e.host === undefined) : roster.errors;
  if (fatal.length) throw new CliError('invalid roster', EXIT.CONFIG_ERROR, fatal);
  const hasPrivate = existsSync(config.privatePillar) && isDir(config.privatePillar);
  // each tree is read only inside its own root, and never through a symlink into another one
  const roots = treeRoots({ states: config.states, pillar: config.pillar, privatePillar: config.privatePillar });
  const envs = config.fileRoots ? fileRootTrees(config.fileRoots, config) : undefined;
  return {
    config,
    roster,
    ...(roles ? { roles } : {}),
    states: envs?.trees.get('base') ?? new FsTree(roots.states),
    statesRoot: roots.states,
    ...(envs ? { envs: envs.trees, envRoots: envs.roots } : {}),
    pillar: new FsTree(roots.pillar!),
    privatePillar: hasPrivate ? new FsTree(roots.privatePillar!) : undefined,
    lintWarnings: [...lintWarnings, ...roster.lintWarnings],
  };
}

/** Each saltenv's tree over its directories, each fenced off from the pillars (base always exists). */
function fileRootTrees(
  fileRoots: FileRoots,
  config: HaliteConfig,
): { trees: Map<string, StateTree>; roots: Map<string, TreeRoot[]> } {
  const fences = [
    { dir: config.pillar, name: 'the pillar' },
    { dir: config.privatePillar, name: 'the private pillar' },
  ];
  const trees = new Map<string, StateTree>();
  const roots = new Map<string, TreeRoot[]>();
  for (const env of ['base', ...Object.keys(fileRoots).filter((e) => e !== 'base')]) {
    const list = (fileRoots[env] ?? []).map((d) => new TreeRoot(d, fences));
    roots.set(env, list);
    trees.set(env, list.length === 1 ? new FsTree(list[0]) : new OverlayTree(list.map((r) => new FsTree(r))));
  }
  return { trees, roots };
}

/**
 * The roster entry for `id`: its own errors (exit 5) when it has some, a usage error naming the
 * roster file when there is none.
 */
export function findHost(ws: Workspace, id: string): RosterHost {
  const host = ws.roster.hosts.find((h) => h.id === id);
  if (host) return host;
  const rejected = ws.roster.rejected.find((h) => h.id === id);
  if (rejected) throw new CliError('invalid roster entry', EXIT.CONFIG_ERROR, rejected.errors);
  const near = ws.roster.hosts.map((h) => h.id).filter((h) => h.startsWith(id) || id.startsWith(h) || h.includes(id));
  const hint = near.length ? ` (did you mean ${near.slice(0, 5).join(', ')}?)` : '';
  throw usageError(`unknown host '${id}': not in the roster ${ws.roster.file}${hint}`);
}
