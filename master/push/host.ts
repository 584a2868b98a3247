// Runs one job on one host: a single exec of the bootstrap line through the transport, the
// exchange of agent/protocol.ts over its stdin/stdout, results streamed to onEvent as they arrive.
// When an earlier job left a resident agent on the host, the same exchange runs over its socket
// instead, on the same SSH connection, with no exec at all.
import type { ErrorData } from '../../agent/errors.ts';
import type { AgentEvent, Grains, JobEnvelope, RunSummary, StateResult, WireMessage } from '../../agent/protocol.ts';
import { redact } from '../../agent/pillar/redact.ts';
import { type AgentBundle, agentBundle } from './bundle.ts';
import { residentSocketPath } from '../../agent/runtime/resident-start.ts';
import { NEED_NODE_EXIT, bootstrapCommand } from './bootstrap.ts';
import type { MasterNode } from './master-node.ts';
import { installNode } from './node-install.ts';
import type { HostLimits } from '../config/host-limits.ts';
import { Exchange } from './exchange.ts';
import { endedEarly, explainLogin, tail } from './failure.ts';
import { isTransportError } from '../transport/errors.ts';
import type { ExecOptions, ExecResult } from '../transport/exec.ts';
import type { RemoteCommand } from '../transport/quote.ts';
import type { HostTarget } from '../transport/target.ts';

/** What pushHost needs of the transport (master/transport/transport.ts Transport). */
export interface ExecTransport {
  exec(target: HostTarget, command: RemoteCommand, opts?: ExecOptions): Promise<ExecResult>;
  /** A resident agent's socket when one listens, else the command (transport.ts). */
  socketOrExec?(target: HostTarget, socket: string, command: RemoteCommand, opts?: ExecOptions): Promise<ExecResult>;
}

export interface PushJob {
  envelope: JobEnvelope;
  /** The contents of a state-tree file by sha256 (see master/push/manifest.ts TreeManifest.read). */
  file(hash: string): Buffer | undefined;
}

export interface PushOptions {
  /** Every AgentEvent (start, result…, done | error) as it arrives, secrets redacted. */
  onEvent?(event: AgentEvent): void;
  /** The other protocol messages (need-agent, need-node, hello, need-files) as they arrive. */
  onMessage?(message: WireMessage): void;
  /** Install Node.js on a host that has none (Debian's nodejs when >= 18, else the master's own), then run the job. */
  bootstrap?: boolean;
  /** The Node binary shipped when the host's packages have none (default: the master's own). */
  masterNode?: () => Promise<MasterNode>;
  /** The agent bundle (default: agentBundle() of agent/entry.ts). */
  bundle?: AgentBundle;
  /** Directory of agent bundles on the VM (default /var/lib/halite/agent). */
  agentDir?: string;
  /** Directory of Node binaries sent by `--bootstrap` on the VM (default /var/lib/halite/node). */
  nodeDir?: string;
  /** Extra `serve` arguments (--cas-root, --lock-file, --record-envelope). */
  serveArgs?: string[];
  /** Time and size limits of the exchange (host-limits.ts; defaults there). */
  limits?: Partial<HostLimits>;
  /** Aborting ends the job on this host now: the agent is told to abort, then the exchange is cut. */
  signal?: AbortSignal;
  /** Aborting asks the agent to stop after the state it is running (the job is being interrupted). */
  stop?: AbortSignal;
  /** The agent's record of an earlier job this envelope asked for (envelope.recover). */
  onLastJob?(jid: string, events: AgentEvent[]): void;
}

export type PushStatus = 'ok' | 'changed' | 'failed' | 'unreachable' | 'error' | 'timeout' | 'interrupted';

/** One host's outcome. Everything in it is already redacted. master/push/orchestrate.ts uses this type too. */
export interface PushResult {
  host: string;
  /** ok: converged, nothing changed; changed: converged with changes; failed: a state failed;
   *  unreachable: no connection; timeout: the run took too long or the host fell silent;
   *  error: anything else (transport, bootstrap, render/compile, agent fault, a broken protocol). */
  status: PushStatus;
  results: StateResult[];
  errors: ErrorData[];
  /** What the master noticed but let pass (reported facts it dropped). */
  warnings?: ErrorData[];
  summary?: RunSummary;
  durationMs: number;
  /** Bytes written to the VM's stdin (bundle, job, files). */
  bytesSent?: number;
  /** What the VM asked for: the agent bundle, and the hashes of state-tree files. */
  requested?: { agent: boolean; files: string[] };
  /** Exit status of the remote command (null: killed or not reported). */
  exitCode?: number | null;
  /** Addresses the host reported (for the inventory), loopback excluded. */
  addresses?: string[];
  /** Grains the host reported (for the inventory). */
  grains?: Grains;
  /** The agent started but its end never reached the master (lost link, job cut short): the agent kept the outcome. */
  unresolved?: boolean;
}

/** What pushHost returns: a PushResult with the transfer always accounted for. */
export interface HostPushResult extends PushResult {
  bytesSent: number;
  requested: { agent: boolean; files: string[] };
}

/** A host's status from what its agent reported (also for a run recovered later). */
export function statusOf(
  errors: readonly ErrorData[],
  summary: RunSummary | undefined,
  results: readonly StateResult[],
  stopAsked = false,
): PushStatus {
  if (stopAsked && summary?.stopped && !errors.some((e) => e.code !== 'INTERRUPTED')) return 'interrupted';
  if (errors.length || !summary) return 'error';
  if (summary.failed > 0 || results.some((r) => r.result === false)) return 'failed';
  return summary.changed > 0 ? 'changed' : 'ok';
}

async function exchangeOnce(
  transport: ExecTransport,
  target: HostTarget,
  job: PushJob,
  bundle: AgentBundle,
  opts: PushOptions,
) {
  const x = new Exchange({
    envelope: job.envelope,
    bundle: bundle.code,
    file: job.file,
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
    ...(opts.onMessage ? { onMessage: opts.onMessage } : {}),
    ...(opts.limits ? { limits: opts.limits } : {}),
    ...(opts.onLastJob ? { onLastJob: opts.onLastJob } : {}),
  });
  const command = bootstrapCommand({
    sha256: bundle.sha256,
    bytes: bundle.code.length,
    ...(opts.agentDir ? { agentDir: opts.agentDir } : {}),
    ...(opts.nodeDir ? { nodeDir: opts.nodeDir } : {}),
    ...(opts.serveArgs ? { serveArgs: opts.serveArgs } : {}),
  });
  // a hard abort tells the agent first, then cuts the channel
  const cut = new AbortController();
  const onStop = (): void => void x.askStop();
  const onAbort = (): void => {
    x.askAbort();
    x.end();
    setImmediate(() => cut.abort());
  };
  if (opts.stop?.aborted) x.stopSent = true;
  opts.stop?.addEventListener('abort', onStop, { once: true });
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const execOpts: ExecOptions = {
    stdin: x.stdin,
    onStdout: (c) => {
      const before = Boolean(x.hello);
      x.onStdout(c);
      // a job stopped while the agent was starting: ask at once
      if (!before && x.hello && opts.stop?.aborted) x.askStop();
    },
    onStderr: (c) => x.onStderr(c),
    signal: AbortSignal.any([opts.signal?.aborted ? opts.signal : cut.signal, x.signal]),
  };
  // A resident agent left by an earlier job answers on its socket; a root login is needed to reach it.
  const resident =
    transport.socketOrExec && !(target.sudo && target.user !== 'root')
      ? residentSocketPath(bundle.fileName.replace(/\.cjs$/, ''), opts.serveArgs ?? [])
      : undefined;
  x.startTimers();
  try {
    const r = resident
      ? await transport.socketOrExec!(target, resident, command, execOpts)
      : await transport.exec(target, command, execOpts);
    x.flush();
    return { x, exit: r, stderr: x.stderr() };
  } catch (err) {
    // the master stopped the host (a limit, a timeout, a broken protocol): that is the outcome
    if (x.stopped) return { x, exit: { code: null, stdout: '', stderr: '' } as ExecResult, stderr: x.stderr() };
    // after the agent started, a cut exchange is a run whose end the master did not see
    if (!x.hello) throw err;
    return { x, exit: undefined, failure: err, stderr: x.stderr() };
  } finally {
    opts.stop?.removeEventListener('abort', onStop);
    opts.signal?.removeEventListener('abort', onAbort);
    x.clearTimers();
    x.end();
  }
}

/** The result of an exchange cut after the agent started: what arrived, and the run left to the agent. */
function cutShort(
  host: string,
  x: Exchange,
  err: unknown,
  aborted: boolean,
  secrets: string[],
): Partial<PushResult> & { status: PushStatus } {
  const why = aborted
    ? `${host}: the job was interrupted before the agent finished`
    : `${host}: ${redact((err as Error).message ?? String(err), secrets)} (the agent had started)`;
  const error: ErrorData = {
    code: aborted ? 'INTERRUPTED' : 'TRANSPORT',
    host,
    message: `${why}; its outcome is fetched at the next contact with the host`,
  };
  return {
    status: aborted ? 'interrupted' : 'error',
    results: x.results,
    errors: [...x.errors, error],
    unresolved: true,
    exitCode: null,
  };
}

/** Runs `job` on `target`; never throws for a host-level failure (it is in the result). */
export async function pushHost(
  transport: ExecTransport,
  target: HostTarget,
  job: PushJob,
  opts: PushOptions = {},
): Promise<HostPushResult> {
  const started = Date.now();
  const host = target.id;
  const secrets = job.envelope.secrets;
  let bytesSent = 0;
  const requested = { agent: false, files: [] as string[] };
  const finish = (status: PushStatus, extra: Partial<PushResult> = {}): HostPushResult => ({
    host,
    status,
    results: [],
    errors: [],
    durationMs: Date.now() - started,
    bytesSent,
    requested,
    ...extra,
  });
  const fault = (err: unknown): HostPushResult => {
    const e = err as Error;
    const data: ErrorData = {
      code: isTransportError(err) ? 'TRANSPORT' : 'INTERNAL',
      host,
      message: redact(e.message ?? String(err), secrets),
    };
    return finish(isTransportError(err, 'unreachable') ? 'unreachable' : 'error', { errors: [data] });
  };

  let bundle: AgentBundle;
  try {
    bundle = opts.bundle ?? (await agentBundle());
  } catch (err) {
    return fault(err);
  }

  for (let attempt = 0; ; attempt++) {
    let run;
    try {
      run = await exchangeOnce(transport, target, job, bundle, opts);
    } catch (err) {
      return fault(err);
    }
    const { x, exit, stderr } = run;
    bytesSent += x.bytesSent;
    requested.agent ||= x.requested.agent;
    requested.files.push(...x.requested.files);
    if (!exit) {
      const { status, ...rest } = cutShort(host, x, run.failure, Boolean(opts.signal?.aborted), secrets);
      return finish(status, {
        ...rest,
        ...(x.addresses ? { addresses: x.addresses } : {}),
        ...(x.grains ? { grains: x.grains } : {}),
      });
    }

    if (x.needNode && exit.code === NEED_NODE_EXIT) {
      const found = x.needNode.found ? ` (found ${x.needNode.found})` : '';
      if (!opts.bootstrap || attempt > 0) {
        const message = opts.bootstrap
          ? `${host}: Node.js >= 18 is still missing after installing it${found}`
          : `${host}: Node.js >= 18 is not installed${found}; run again with --bootstrap to install it`;
        return finish('error', { errors: [{ code: 'BOOTSTRAP', host, message }], exitCode: exit.code });
      }
      try {
        const inst = await installNode(transport, target, {
          ...(opts.masterNode ? { masterNode: opts.masterNode } : {}),
          ...(opts.nodeDir ? { nodeDir: opts.nodeDir } : {}),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        bytesSent += inst.bytesSent;
        if (inst.failure)
          return finish('error', { errors: [{ code: 'BOOTSTRAP', host, message: `${host}: ${inst.failure}` }] });
      } catch (err) {
        return fault(err);
      }
      continue;
    }

    const warnings = x.warnings.length ? { warnings: x.warnings } : {};
    if (x.stopped) {
      // nothing a stopped host reported about itself is kept
      return finish(x.stopped.status, {
        results: x.results,
        errors: [...x.errors, x.stopped.error],
        exitCode: null,
        ...warnings,
      });
    }
    const errors = [...x.errors];
    // the agent started and the exchange ended with no word of its end: the agent may have carried on
    const unresolved = Boolean(x.hello) && !x.ended;
    if (!x.summary && !errors.length)
      errors.push(endedEarly(host, exit, Boolean(x.hello), tail(redact(stderr, secrets)) || tail(x.noise.join('\n'))));
    if (x.stopSent && x.summary?.stopped) {
      errors.push({
        code: 'INTERRUPTED',
        host,
        message: `${host}: stopped after ${x.summary.total} states: the job was interrupted`,
      });
    }
    const explained = explainLogin(errors, target);
    return finish(statusOf(explained, x.summary, x.results, x.stopSent), {
      results: x.results,
      errors: explained,
      ...(x.summary ? { summary: x.summary } : {}),
      exitCode: exit.code,
      ...warnings,
      ...(unresolved ? { unresolved: true } : {}),
      ...(x.addresses ? { addresses: x.addresses } : {}),
      ...(x.grains ? { grains: x.grains } : {}),
    });
  }
}
