// The job envelope one host receives: its roster grains, ITS OWN compiled pillar (rendered here from
// roster data only) and the secrets in it, the mine data and inventory the caller gathered (the
// pillar is rendered with them too), the state-tree manifest and the run options. Nothing about any
// other host's pillar goes in.
import type { ErrorData } from '../../agent/errors.ts';
import type { InventoryHost, JobEnvelope, MineData } from '../../agent/protocol.ts';
import type { StateTree } from '../../agent/store/tree.ts';
import { type GrainOverride, applyGrainOverrides, rosterGrains } from '../config/host-grains.ts';
import { merge } from '../../agent/pillar/merge.ts';
import { compilePillar } from '../pillar/compile.ts';
import type { RosterHost } from '../config/roster.ts';
import type { Manifest } from './manifest.ts';

export interface EnvelopeInput {
  jid: string;
  host: RosterHost;
  pillar: StateTree;
  privatePillar?: StateTree;
  manifest: Manifest;
  /** With file_roots: saltenv → manifest (master/push/env-manifest.ts). */
  envs?: Record<string, Manifest>;
  mine?: MineData;
  /** Roster hosts with their reported addresses (master/pillar/inventory.ts inventoryHosts). */
  inventory?: InventoryHost[];
  /** `--saltenv`: the SLS are this saltenv's; a highstate applies only its top file's section for it. */
  saltenv?: string;
  sls?: string[];
  test?: boolean;
  failhard?: boolean;
  stateTimeout?: number;
  lockWait?: number;
  /** `--grain` overrides: they reach the states, never the pillar (which sees roster grains only). */
  grainOverrides?: readonly GrainOverride[];
  /**
   * Salt's `pillar=` override: merged over the compiled pillar last (dictupdate.merge). It is the
   * operator's data, not the private pillar's: the secrets stay those the private tree gave.
   */
  pillarOverride?: Record<string, unknown>;
}

export type EnvelopeOutcome = { envelope: JobEnvelope; errors: [] } | { envelope?: undefined; errors: ErrorData[] };

export function buildEnvelope(input: EnvelopeInput): EnvelopeOutcome {
  const { host } = input;
  const saltenv = input.saltenv ?? 'base';
  const grains = rosterGrains(host);
  const p = compilePillar({
    tree: input.pillar,
    grains,
    // the pillar's own environment stays base (Salt's pillarenv is apart from saltenv)
    saltenv: 'base',
    ...(input.privatePillar ? { privateTree: input.privatePillar } : {}),
    ...(input.mine ? { mine: input.mine } : {}),
    ...(input.inventory ? { inventory: input.inventory } : {}),
  });
  if (p.errors.length) return { errors: p.errors.map((e) => (e.host ? e : { ...e, host: host.id })) };
  const envelope: JobEnvelope = {
    jid: input.jid,
    id: host.id,
    grains: applyGrainOverrides(grains, input.grainOverrides ?? []),
    pillar: input.pillarOverride ? merge(p.pillar, input.pillarOverride) : p.pillar,
    secrets: [...p.secrets.values],
    mine: input.mine ?? {},
    saltenv,
    test: input.test ?? false,
    manifest: input.manifest,
  };
  if (input.inventory) envelope.inventory = input.inventory;
  if (input.envs) envelope.envs = input.envs;
  if (input.saltenv !== undefined) envelope.onlySaltenv = true;
  if (input.sls?.length) envelope.sls = [...input.sls];
  if (input.failhard !== undefined) envelope.failhard = input.failhard;
  if (input.stateTimeout !== undefined) envelope.stateTimeout = input.stateTimeout;
  if (input.lockWait !== undefined) envelope.lockWait = input.lockWait;
  return { envelope, errors: [] };
}
