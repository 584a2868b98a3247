// Pillar compilation, per host, from the grains given (on the master: roster grains only).
// The pillar top file is rendered with the grains and no pillar; each SLS it assigns is rendered with
// the pillar compiled so far and merged over it in top-file order (targets sorted by `order`; dicts
// merge deeply, later values win). The private tree (same layout, its own top.sls) is compiled the same
// way on top of the public pillar and merged over it; everything it contributes is secret.
import { basename } from 'node:path';
import type { ErrorData } from '../errors.ts';
import { merge, type Dict } from './merge.ts';
import type { Grains, InventoryHost, MineData, Pillar } from '../protocol.ts';
import { minionOf } from '../top/top.ts';
import { readTop } from '../top/read.ts';
import { selectTargets } from '../top/select.ts';
import { expandSls, listSls } from '../top/sls-names.ts';
import { locateSls, type StateTree } from '../store/tree.ts';
import { type PillarSecrets, pillarSecrets } from './secrets.ts';
import { type PillarRender, renderPillarSls } from './sls.ts';

export type { PillarSecrets } from './secrets.ts';

export interface PillarInput {
  tree: StateTree;
  privateTree?: StateTree;
  /** Roster grains: id, level, roles and the host's static grains. */
  grains: Grains;
  /** The pillar top file's saltenv section to use (default 'base'). */
  saltenv?: string;
  mine?: MineData;
  inventory?: InventoryHost[];
  /** Salt's pillar_merge_lists: lists from later SLS extend earlier ones instead of replacing them. */
  mergeLists?: boolean;
  /** Names put before file paths in errors (default: each tree directory's name, or pillar / pillar-private). */
  names?: { public?: string; private?: string };
}

export interface CompiledPillar {
  pillar: Pillar;
  secrets: PillarSecrets;
  errors: ErrorData[];
}

interface TreeRun {
  tree: StateTree;
  name: string;
  secret?: boolean;
}

function treeName(tree: StateTree, given: string | undefined, fallback: string): string {
  if (given !== undefined) return given;
  return tree.label && !tree.label.startsWith('<') ? basename(tree.label) : fallback;
}

function inTree(errors: readonly ErrorData[], name: string): ErrorData[] {
  return errors.map((e) => ({
    ...e,
    code: 'PILLAR' as const,
    ...(e.file && name ? { file: `${name}/${e.file}` } : {}),
  }));
}

/** The data one tree contributes on top of `base` (rendered with base merged under it). */
function compileTree(
  run: TreeRun,
  base: Dict,
  input: PillarInput,
  saltenv: string,
): { data: Dict; errors: ErrorData[] } {
  const ctx = {
    grains: input.grains,
    pillar: {},
    saltenv,
    ...(input.mine ? { mine: input.mine } : {}),
    ...(input.inventory ? { inventory: input.inventory } : {}),
  };
  const top = readTop(run.tree, ctx, 'top.sls');
  const errors: ErrorData[] = [...top.errors];
  let data: Dict = {};
  if (!top.found) return { data, errors: [] };
  const sel = selectTargets(top.targets, minionOf(ctx), { byOrder: true });
  errors.push(...sel.errors);
  let available: string[] | undefined;
  const r: PillarRender = {
    tree: run.tree,
    grains: input.grains,
    saltenv,
    mergeLists: input.mergeLists ?? false,
    ...(run.secret ? { secret: true } : {}),
    available: () => (available ??= listSls(run.tree)),
    mods: new Map(),
    errors,
    ...(input.mine ? { mine: input.mine } : {}),
    ...(input.inventory ? { inventory: input.inventory } : {}),
  };
  const opts = { mergeLists: r.mergeLists };
  for (const item of sel.matches[saltenv] ?? []) {
    for (const sls of expandSls(item.sls, r.available)) {
      if (item.ignoreMissing && !locateSls(run.tree, sls)) continue;
      const sub = renderPillarSls(r, sls, merge(base, data, opts), { file: item.file, line: item.line });
      if (sub) data = merge(data, sub, opts);
    }
  }
  return { data, errors };
}

/** Compiles the pillar of the host whose roster grains are `input.grains`. */
export function compilePillar(input: PillarInput): CompiledPillar {
  const saltenv = input.saltenv ?? 'base';
  const opts = { mergeLists: input.mergeLists ?? false };
  if (typeof input.grains.id !== 'string' || !input.grains.id) {
    return {
      pillar: {},
      secrets: { paths: [], values: [] },
      errors: [{ code: 'PILLAR', message: "grains have no 'id': cannot compile pillar" }],
    };
  }
  const pub = { tree: input.tree, name: treeName(input.tree, input.names?.public, 'pillar') };
  const p = compileTree(pub, {}, input, saltenv);
  const errors = inTree(p.errors, pub.name);
  if (!input.privateTree) return { pillar: p.data, secrets: { paths: [], values: [] }, errors };
  const priv = {
    tree: input.privateTree,
    name: treeName(input.privateTree, input.names?.private, 'pillar-private'),
    secret: true,
  };
  const s = compileTree(priv, p.data, input, saltenv);
  errors.push(...inTree(s.errors, priv.name));
  return { pillar: merge(p.data, s.data, opts), secrets: pillarSecrets(s.data), errors };
}
