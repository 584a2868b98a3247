// Compile one host on the master, without connecting to it: pillar from roster grains only,
// then top file and states with roster grains plus any --grain overrides.
import type { ErrorData } from '../../agent/errors.ts';
import { compileHighstate } from '../../agent/compile/highstate.ts';
import type { ShownHigh } from '../../agent/compile/show-high.ts';
import type { Grains, LowChunk, Pillar } from '../../agent/protocol.ts';
import { matchTop } from '../../agent/top/top.ts';
import { type GrainOverride, applyGrainOverrides, rosterGrains } from '../config/host-grains.ts';
import { compilePillar } from '../pillar/compile.ts';
import type { RosterHost } from '../config/roster.ts';
import type { Workspace } from '../config/workspace.ts';
import { usageError } from '../cli-error.ts';

export const SALTENV = 'base';

export interface HostPillar {
  pillar: Pillar;
  /** Values to redact in anything shown. */
  secrets: unknown[];
  errors: ErrorData[];
}

export interface CompiledHost {
  top: Record<string, string[]>;
  chunks: LowChunk[];
  /** With `show`: the high data as Salt's state.show_highstate returns it. */
  high?: ShownHigh;
  /** Errors with `host` set; not redacted. */
  errors: ErrorData[];
  /** What Salt accepts and fails at run time (an unknown state function), with `host` set; not redacted. */
  warnings?: ErrorData[];
  secrets: unknown[];
}

export interface CompileOptions {
  overrides?: readonly GrainOverride[];
  /** Compile only these SLS (show sls) instead of the top file's. */
  sls?: string[];
  /** `--saltenv`: the SLS are this saltenv's; a highstate reads only its top file and section. */
  saltenv?: string;
  /** Also keep the rendered high data (show highstate). */
  show?: boolean;
}

/** A `--saltenv` the workspace has (with file_roots, one it names; without, base). */
export function checkSaltenv(ws: Workspace, env: string | undefined): string | undefined {
  if (env === undefined) return undefined;
  const known = ws.envs ? [...ws.envs.keys()] : [SALTENV];
  if (!known.includes(env)) throw usageError(`unknown saltenv '${env}': the environments are ${known.join(', ')}`);
  return env;
}

function withHost(errors: readonly ErrorData[], host: string): ErrorData[] {
  return errors.map((e) => (e.host ? e : { ...e, host }));
}

export function hostPillar(ws: Workspace, host: RosterHost): HostPillar {
  const r = compilePillar({
    tree: ws.pillar,
    privateTree: ws.privatePillar,
    grains: rosterGrains(host),
    saltenv: SALTENV,
  });
  return { pillar: r.pillar, secrets: [...r.secrets.values], errors: withHost(r.errors, host.id) };
}

function stateGrains(host: RosterHost, opts: CompileOptions): Grains {
  return applyGrainOverrides(rosterGrains(host), opts.overrides ?? []);
}

/** The SLS the top file assigns to `host`, per saltenv. */
export function compileTop(ws: Workspace, host: RosterHost, opts: CompileOptions = {}): Omit<CompiledHost, 'chunks'> {
  const p = hostPillar(ws, host);
  if (p.errors.length) return { top: {}, errors: p.errors, secrets: p.secrets };
  const r = matchTop(
    ws.states,
    { grains: stateGrains(host, opts), pillar: p.pillar, saltenv: opts.saltenv ?? SALTENV },
    'top.sls',
    { ...(ws.envs ? { envs: ws.envs } : {}), ...(opts.saltenv ? { only: opts.saltenv } : {}) },
  );
  return { top: r.top, errors: withHost(r.errors, host.id), secrets: p.secrets };
}

/** Low chunks of the host's highstate (or of `opts.sls`), in execution order. */
export function compileHost(ws: Workspace, host: RosterHost, opts: CompileOptions = {}): CompiledHost {
  const p = hostPillar(ws, host);
  if (p.errors.length) return { top: {}, chunks: [], errors: p.errors, secrets: p.secrets };
  const r = compileHighstate({
    tree: ws.states,
    ctx: { grains: stateGrains(host, opts), pillar: p.pillar, saltenv: opts.saltenv ?? SALTENV },
    ...(opts.sls ? { sls: opts.sls } : {}),
    ...(ws.envs ? { envs: ws.envs } : {}),
    ...(opts.saltenv ? { saltenv: opts.saltenv } : {}),
    autoOrder: ws.config.stateAutoOrder,
    ...(opts.show ? { show: true } : {}),
  });
  return {
    top: r.top,
    chunks: r.chunks,
    ...(r.shown ? { high: r.shown } : {}),
    errors: withHost(r.errors, host.id),
    warnings: withHost(r.warnings, host.id),
    secrets: p.secrets,
  };
}
