// Builds the StateContext for a run from the run's data, with defaults for the rest.
import type { Grains, LowChunk, InventoryHost, MineData, Pillar } from '../protocol.ts';
import { MemTree, type StateTree } from '../store/tree.ts';
import { type EnvTrees, treeOfEnv } from '../store/env-trees.ts';
import { renderTemplate } from '../render/template.ts';
import { saltFunctions } from '../render/salt.ts';
import type { TemplateLogLevel } from '../render/context.ts';
import { FactCache } from '../facts/cache.ts';
import { run as runCommand, type Runner } from '../process/run.ts';
import { DEFAULT_BACKUP_DIR, DEFAULT_BACKUP_KEEP, type BackupOptions } from '../store/backup.ts';
import type { Logger } from '../backends/context.ts';
import type { StateContext } from './types.ts';

export interface ContextOptions {
  test?: boolean;
  grains?: Grains;
  pillar?: Pillar;
  saltenv?: string;
  mine?: MineData;
  inventory?: InventoryHost[];
  opts?: Record<string, unknown>;
  tree?: StateTree;
  /**
   * With several saltenvs: each one's tree. A chunk's `salt://` sources and templates are then read
   * from the tree of the saltenv its SLS came from, as Salt's states use their `__env__`.
   */
  envs?: EnvTrees;
  root?: string;
  run?: Runner;
  facts?: FactCache;
  redact?: (text: string) => string;
  backup?: Omit<BackupOptions, 'root'>;
  log?: Logger;
  signal?: AbortSignal;
  chunk?: LowChunk;
  chunks?: readonly LowChunk[];
  changedRequisites?: readonly string[];
  pendingRequisites?: readonly string[];
}

/** Writes to stderr (stdout carries the event stream). */
export const stderrLogger: Logger = {
  debug: () => undefined,
  info: (m) => process.stderr.write(`[INFO] ${m}\n`),
  warn: (m) => process.stderr.write(`[WARNING] ${m}\n`),
  error: (m) => process.stderr.write(`[ERROR] ${m}\n`),
};

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What templates log through `salt['log.*']`, written to `log` with secrets masked by `hide`. */
export function templateLog(log: Logger, hide: (text: string) => string): (level: TemplateLogLevel, m: string) => void {
  return (level, m) => (level === 'warning' ? log.warn(hide(m)) : log.error(hide(m)));
}

export function makeContext(o: ContextOptions = {}): StateContext {
  const root = o.root ?? '/';
  const baseRun = o.run ?? runCommand;
  const signal = o.signal;
  const run: Runner = (argv, opts = {}) => baseRun(argv, signal && !opts.signal ? { ...opts, signal } : opts);
  const grains = o.grains ?? {};
  const pillar = o.pillar ?? {};
  const own = o.envs && o.chunk?.env ? o.chunk.env : undefined;
  const saltenv = own ?? o.saltenv ?? 'base';
  const tree = own ? treeOfEnv(o.tree ?? new MemTree({}), o.envs, own) : (o.tree ?? new MemTree({}));
  const data = { grains, pillar, saltenv, mine: o.mine, inventory: o.inventory, opts: o.opts };
  const ctx: StateContext = {
    test: o.test ?? false,
    grains,
    pillar,
    saltenv,
    tree,
    renderTemplate: (file, source, context = {}) => renderTemplate(tree, file, source, data, context),
    execFunctions: (extra) => saltFunctions({ ...data, ...(extra ? { functions: extra } : {}) }),
    facts: o.facts ?? new FactCache({ root, run }),
    run,
    root,
    redact: o.redact ?? ((t) => t),
    backup: o.backup ?? { dir: DEFAULT_BACKUP_DIR, keep: DEFAULT_BACKUP_KEEP },
    log: o.log ?? stderrLogger,
  };
  if (o.envs) {
    const envs = o.envs;
    ctx.treeOf = (env) => treeOfEnv(tree, envs, env);
  }
  if (signal) ctx.signal = signal;
  if (o.chunk) ctx.chunk = o.chunk;
  if (o.chunks) ctx.chunks = o.chunks;
  if (o.changedRequisites) ctx.changedRequisites = o.changedRequisites;
  if (o.pendingRequisites) ctx.pendingRequisites = o.pendingRequisites;
  return ctx;
}
