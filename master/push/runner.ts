// The per-host runner of a job: build the host's envelope (its own pillar, the inventory as mine
// data as of the start of the host's wave, the state tree's manifest) and push it over the transport (push.ts).
import type { AgentEvent } from '../../agent/protocol.ts';
import type { HostRunner, PushResult } from './orchestrate.ts';
import type { JobTransport } from '../transport/transport.ts';
import type { JobStore } from '../jobs/store.ts';
import { buildEnvelope } from './envelope.ts';
import { inventoryByWave } from '../pillar/inventory.ts';
import type { HostLimits } from '../config/host-limits.ts';
import { pushHost } from './host.ts';
import { recordRecovered } from './recover.ts';
import { targetFor } from '../transport/target.ts';
import { treeManifest } from './manifest.ts';
import { envManifests } from './env-manifest.ts';
import type { Workspace } from '../config/workspace.ts';

/** What the per-host runner is built from. */
export interface RunnerEnv {
  ws: Workspace;
  transport: JobTransport;
  store: JobStore;
  /** Install Node.js on hosts that lack it. */
  bootstrap: boolean;
  /** The configuration's host limits with `--timeout` applied. */
  limits: HostLimits;
  /** Each host's agent events (state results as they finish), redacted, as they arrive. */
  onAgentEvent?(host: string, event: AgentEvent): void;
  /** Merged over each host's compiled pillar, last (`--pillar`, Salt's `pillar=`). */
  pillarOverride?: Record<string, unknown>;
  /** `--saltenv` (Salt's `saltenv=`). */
  saltenv?: string;
}

export function pushRunner(env: RunnerEnv): HostRunner {
  const { ws, transport, store } = env;
  const multi = ws.envRoots ? envManifests(ws.envRoots) : undefined;
  const tree = multi ? { manifest: multi.envs.base ?? {}, read: multi.read } : treeManifest(ws.statesRoot);
  const snapshot = inventoryByWave(store, ws.roster.hosts);
  const file = tree.read;
  return async (host, opts): Promise<PushResult> => {
    const started = Date.now();
    const { mine, inventory } = snapshot(opts.wave);
    const built = buildEnvelope({
      jid: opts.jid,
      host,
      pillar: ws.pillar,
      ...(ws.privatePillar ? { privatePillar: ws.privatePillar } : {}),
      manifest: tree.manifest,
      ...(multi ? { envs: multi.envs } : {}),
      ...(env.saltenv ? { saltenv: env.saltenv } : {}),
      mine,
      inventory,
      test: opts.test,
      ...(opts.sls ? { sls: opts.sls } : {}),
      ...(opts.failhard ? { failhard: true } : {}),
      ...(env.pillarOverride ? { pillarOverride: env.pillarOverride } : {}),
    });
    if (!built.envelope)
      return { host: host.id, status: 'error', results: [], errors: built.errors, durationMs: Date.now() - started };
    // earlier runs on this host whose end never reached the master: the agent may have kept one
    const recover = store.unresolvedRuns(host.id).filter((jid) => jid !== opts.jid);
    const envelope = {
      ...built.envelope,
      linger: ws.config.agentLinger,
      ...(ws.config.stateAutoOrder ? {} : { stateAutoOrder: false }),
      ...(recover.length ? { recover } : {}),
    };
    return pushHost(
      transport,
      targetFor(host, ws.config),
      { envelope, file },
      {
        bootstrap: env.bootstrap,
        limits: env.limits,
        ...(opts.stop ? { stop: opts.stop } : {}),
        ...(opts.abort ? { signal: opts.abort } : {}),
        onLastJob: (jid, events) => void recordRecovered(store, host.id, jid, events),
        ...(env.onAgentEvent ? { onEvent: (e: AgentEvent) => env.onAgentEvent!(host.id, e) } : {}),
      },
    );
  };
}
