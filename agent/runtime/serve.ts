// `halite-agent serve`: the agent's side of the one-exec exchange with the master (see the protocol
// comment in protocol.ts). Says hello, reads the job envelope, asks for the state-tree files it has
// not cached, then compiles and runs the highstate under the host's lock and streams AgentEvents,
// keeping them as the host's last job (last-job.ts). During the run the master may send `stop`
// (finish the current state, then stop) or `abort` (stop now); the end of its stdin alone does not
// stop the run.
//
//   halite-agent serve [--cas-root DIR] [--lock-file FILE] [--record-envelope FILE] [--compile-cache DIR|off]
//                      [--last-job FILE|off]
//
// stdout carries only protocol lines (NDJSON); stderr is the human log.
import { basename } from 'node:path';
import { writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { Cas, DEFAULT_CAS_ROOT } from '../store/cas.ts';
import { compileCache, DEFAULT_COMPILE_CACHE } from '../store/compile-cache.ts';
import { hostFunctions } from '../render/host-functions.ts';
import { leaveResident } from './resident-start.ts';
import { EXIT, exitCodeFor } from '../exit-codes.ts';
import { executeChunks } from '../execute/executor.ts';
import { makeEmitter, summarize } from '../output/emit.ts';
import { reportedFacts } from '../facts/reported.ts';
import type { ErrorData } from '../errors.ts';
import { collectGrains } from '../facts/grains.ts';
import { compileHighstate } from '../compile/highstate.ts';
import { LastJobWriter, DEFAULT_LAST_JOB, readLastJob } from './last-job.ts';
import { LineReader } from '../util/line-reader.ts';
import { acquireLock, DEFAULT_LOCK_FILE, LockBusyError, type Lock } from './lock.ts';
import { clearStalePolicy } from '../backends/policy-rc.ts';
import { ManifestTree } from '../store/manifest-tree.ts';
import type { EnvTrees } from '../store/env-trees.ts';
import { type Grains, HEARTBEAT_MS, type JobEnvelope, type StateResult, type WireMessage } from '../protocol.ts';
import { redact } from '../pillar/redact.ts';
import { stderrLogger, templateLog } from '../states/context.ts';
import type { Logger } from '../backends/context.ts';

export interface ServeOptions {
  stdin: Readable;
  /** Protocol lines (default: process.stdout). */
  out?: (line: string) => void;
  log?: Logger;
  /** Content-addressed cache of state-tree files (default /var/lib/halite/files). */
  casRoot?: string;
  lockFile?: string;
  /** Writes the envelope as received to this file (mode 0600), for audits and tests. */
  recordEnvelope?: string;
  /** The machine's own grains (default: detected); the envelope's roster grains override them. */
  detectGrains?: () => Grains | Promise<Grains>;
  /** Filesystem root the states act on (default '/'). */
  root?: string;
  /** Stops the run after the current state. */
  signal?: AbortSignal;
  /** Keeps compiled highstates here between runs (compile-cache.ts); default: none. */
  compileCache?: string;
  /** Called with the job envelope once it has arrived. */
  onEnvelope?(env: JobEnvelope): void;
  /** Keeps the events of each run in this file, for the master's next contact (last-job.ts); default: none. */
  lastJob?: string;
}

const write = (o: ServeOptions): ((line: string) => void) => o.out ?? ((l) => void process.stdout.write(l));
const send = (o: ServeOptions, m: WireMessage): void => write(o)(`${JSON.stringify(m)}\n`);

/** The agent's name as it reports it in hello: the bundle's file name without extension. */
export function agentName(): string {
  const file = process.argv[1] ? basename(process.argv[1]) : '';
  return file.replace(/\.(c?js|ts)$/, '') || 'halite-agent';
}

class ProtocolError extends Error {}

async function readMessage(lines: LineReader, type: string): Promise<Record<string, unknown>> {
  const line = await lines.next();
  if (line === undefined) throw new ProtocolError(`the master closed the exchange before sending ${type}`);
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    throw new ProtocolError(`expected a ${type} message, got ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (typeof msg !== 'object' || msg === null || (msg as { type?: unknown }).type !== type) {
    throw new ProtocolError(`expected a ${type} message, got ${JSON.stringify(line.slice(0, 80))}`);
  }
  return msg as Record<string, unknown>;
}

function toEnvelope(msg: Record<string, unknown>): JobEnvelope {
  const { type: _type, ...env } = msg;
  const e = env as unknown as JobEnvelope;
  if (typeof e.jid !== 'string' || typeof e.id !== 'string' || typeof e.manifest !== 'object' || e.manifest === null) {
    throw new ProtocolError('the job envelope lacks jid, id or manifest');
  }
  return {
    ...e,
    grains: e.grains ?? {},
    pillar: e.pillar ?? {},
    secrets: e.secrets ?? [],
    mine: e.mine ?? {},
    saltenv: e.saltenv ?? 'base',
    test: Boolean(e.test),
  };
}

/** Each saltenv's tree over the cache, when the master shipped several (file_roots). */
function manifestEnvs(env: JobEnvelope, cas: Cas): EnvTrees | undefined {
  if (!env.envs || typeof env.envs !== 'object') return undefined;
  return new Map(
    Object.entries(env.envs).map(([name, m]) => [name, new ManifestTree(m, cas, `salt://?saltenv=${name}`)]),
  );
}

/** Makes sure every file of the manifest is in the cache, asking the master for the missing ones. */
async function fetchFiles(env: JobEnvelope, cas: Cas, lines: LineReader, o: ServeOptions): Promise<void> {
  const missing = cas.missing([env.manifest, ...Object.values(env.envs ?? {})].flatMap((m) => Object.values(m)));
  if (!missing.length) return;
  send(o, { type: 'need-files', hashes: missing });
  const msg = await readMessage(lines, 'files');
  const files = (msg.files ?? {}) as Record<string, string>;
  for (const hash of missing) {
    const data = files[hash];
    if (typeof data !== 'string') throw new ProtocolError(`the master did not send file ${hash}`);
    cas.put(hash, Buffer.from(data, 'base64'));
  }
}

/** Reads the master's messages during the run: `stop` and `abort`. */
async function watchControl(lines: LineReader, on: { stop(): void; abort(): void }): Promise<void> {
  for (;;) {
    let line: string | undefined;
    try {
      line = await lines.next();
    } catch {
      return;
    }
    if (line === undefined) return;
    let type: unknown;
    try {
      type = (JSON.parse(line) as { type?: unknown } | null)?.type;
    } catch {
      continue;
    }
    if (type === 'stop') on.stop();
    else if (type === 'abort') on.abort();
  }
}

/** Sends the kept record of an earlier run when the master asks for that job. */
function sendLastJob(o: ServeOptions, env: JobEnvelope): void {
  if (!o.lastJob || !env.recover?.length) return;
  const last = readLastJob(o.lastJob);
  if (last && env.recover.includes(last.jid) && last.jid !== env.jid)
    send(o, { type: 'last-job', jid: last.jid, events: last.events });
}

/** Runs one exchange, saying it is alive every HEARTBEAT_MS; resolves to the exit code (docs/exit-codes.md). */
export async function serve(o: ServeOptions): Promise<number> {
  send(o, { type: 'hello', node: process.versions.node, agent: agentName(), pid: process.pid });
  const beat = setInterval(() => send(o, { type: 'alive' }), HEARTBEAT_MS);
  try {
    return await serveJob(o);
  } finally {
    clearInterval(beat);
  }
}

async function serveJob(o: ServeOptions): Promise<number> {
  const log = o.log ?? stderrLogger;
  const lines = new LineReader(o.stdin);

  let env: JobEnvelope;
  const cas = new Cas(o.casRoot ?? DEFAULT_CAS_ROOT);
  try {
    env = toEnvelope(await readMessage(lines, 'job'));
    if (o.recordEnvelope) writeFileSync(o.recordEnvelope, `${JSON.stringify(env)}\n`, { mode: 0o600 });
    o.onEnvelope?.(env);
    await fetchFiles(env, cas, lines, o);
  } catch (e) {
    const message = (e as Error).message;
    log.error(message);
    makeEmitter('', '', write(o)).error({ code: 'INTERNAL', message });
    return EXIT.INTERNAL;
  }

  const secrets = env.secrets;
  const hide = <T>(v: T): T => redact(v, secrets);
  // `stop` ends the run after the current state; `abort` (or the process's own signal) at once
  const stop = new AbortController();
  const abort = new AbortController();
  const onSignal = (): void => abort.abort();
  if (o.signal?.aborted) abort.abort();
  o.signal?.addEventListener('abort', onSignal, { once: true });
  void watchControl(lines, { stop: () => stop.abort(), abort: () => abort.abort() });
  let journal: LastJobWriter | undefined;
  const wire = write(o);
  const events = makeEmitter(env.jid, env.id, (line) => {
    journal?.line(line);
    wire(line);
  });
  const grains: Grains = { ...(await (o.detectGrains ?? collectGrains)()), ...env.grains, id: env.id };

  let lock: Lock;
  try {
    lock = await acquireLock(o.lockFile ?? DEFAULT_LOCK_FILE, { waitSec: env.lockWait ?? 0 });
  } catch (e) {
    if (!(e instanceof LockBusyError)) throw e;
    log.error(e.message);
    events.error({ code: 'LOCKED', message: e.message, host: env.id });
    o.signal?.removeEventListener('abort', onSignal);
    return EXIT.LOCKED;
  }
  try {
    // the last run is final once the lock is ours: send it if asked, then keep this one instead
    sendLastJob(o, env);
    if (o.lastJob) {
      try {
        journal = new LastJobWriter(o.lastJob, env.jid);
      } catch (e) {
        log.warn(`cannot keep this run's record in ${o.lastJob}: ${(e as Error).message}`);
      }
    }
    // a service hold an interrupted run left behind (backends/policy-rc.ts)
    if (!env.test) {
      try {
        clearStalePolicy(o.root ?? '/');
      } catch (e) {
        log.warn(`cannot remove a leftover policy-rc.d: ${(e as Error).message}`);
      }
    }
    const tree = new ManifestTree(env.manifest, cas);
    const envs = manifestEnvs(env, cas);
    const ctx = {
      grains,
      pillar: env.pillar,
      saltenv: env.saltenv,
      mine: env.mine,
      ...(env.inventory ? { inventory: env.inventory } : {}),
    };
    const autoOrder = env.stateAutoOrder !== false;
    const cache = o.compileCache
      ? compileCache(o.compileCache, {
          agent: agentName(),
          manifest: env.manifest,
          ...(env.envs ? { envs: env.envs } : {}),
          ...(env.onlySaltenv ? { onlySaltenv: true } : {}),
          sls: env.sls ?? null,
          ctx,
          ...(autoOrder ? {} : { autoOrder }),
        })
      : undefined;
    let chunks = cache?.get();
    if (!chunks) {
      // templates that asked the host itself (salt['cmd.run'], file.file_exists…) compile anew each run
      let hostDependent = false;
      const functions = hostFunctions({ root: o.root ?? '/', used: () => void (hostDependent = true) });
      const compiled = compileHighstate({
        tree,
        ctx: { ...ctx, functions, log: templateLog(log, hide) },
        ...(env.sls?.length ? { sls: env.sls } : {}),
        ...(envs ? { envs } : {}),
        ...(env.onlySaltenv ? { saltenv: env.saltenv } : {}),
        autoOrder,
      });
      if (compiled.errors.length) {
        const errors: ErrorData[] = hide(compiled.errors).map((e) => (e.host ? e : { ...e, host: env.id }));
        errors.forEach((e) => events.error(e));
        return exitCodeFor(compiled.errors);
      }
      chunks = compiled.chunks;
      if (!hostDependent) cache?.put(chunks);
    }
    events.start(chunks.length, env.test, reportedFacts(grains));
    const { results, stopped } = await executeChunks(chunks, {
      signal: abort.signal,
      stop: stop.signal,
      context: {
        grains,
        pillar: env.pillar,
        mine: env.mine,
        ...(env.inventory ? { inventory: env.inventory } : {}),
        tree,
        ...(envs ? { envs } : {}),
        saltenv: env.saltenv,
        root: o.root ?? '/',
        log,
        redact: (t) => hide(t),
      },
      test: env.test,
      failhard: env.failhard ?? false,
      ...(env.stateTimeout !== undefined ? { timeout: env.stateTimeout } : {}),
      redact: (r: StateResult) => hide(r),
      onResult: (r: StateResult) => events.result(r),
    });
    events.done(summarize(results, env.test, stopped));
    return results.some((r) => r.result === false) || abort.signal.aborted || stop.signal.aborted
      ? EXIT.STATE_FAILURE
      : EXIT.OK;
  } finally {
    journal?.close();
    o.signal?.removeEventListener('abort', onSignal);
    lock.release();
  }
}

const OPTIONS = {
  'cas-root': { type: 'string' },
  'lock-file': { type: 'string' },
  'record-envelope': { type: 'string' },
  'compile-cache': { type: 'string' },
  'last-job': { type: 'string' },
} as const;

/** `--compile-cache DIR|off`; the shipped bundle keeps compiled highstates by default. */
function compileCacheOption(value: string | undefined): { compileCache?: string } {
  if (value === 'off') return {};
  if (value) return { compileCache: value };
  return process.env.HALITE_AGENT_BUNDLE === '1' ? { compileCache: DEFAULT_COMPILE_CACHE } : {};
}

/** `--last-job FILE|off`; the shipped bundle keeps its last run by default. */
function lastJobOption(value: string | undefined): { lastJob?: string } {
  if (value === 'off') return {};
  if (value) return { lastJob: value };
  return process.env.HALITE_AGENT_BUNDLE === '1' ? { lastJob: DEFAULT_LAST_JOB } : {};
}

/** The options `serve` and `resident` share, from their command line. */
export function serveOptionsFrom(argv: string[]): Omit<ServeOptions, 'stdin'> {
  const { values: v } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true });
  return {
    ...(v['cas-root'] ? { casRoot: v['cas-root'] } : {}),
    ...(v['lock-file'] ? { lockFile: v['lock-file'] } : {}),
    ...(v['record-envelope'] ? { recordEnvelope: v['record-envelope'] } : {}),
    ...compileCacheOption(v['compile-cache']),
    ...lastJobOption(v['last-job']),
  };
}

/**
 * `halite-agent serve …` with process stdin/stdout; SIGINT/SIGTERM stop the run after the current
 * state. When the job asks the agent to linger, a resident agent is left behind for the next jobs.
 */
export async function serveCommand(argv: string[]): Promise<number> {
  const options = serveOptionsFrom(argv);
  const shutdown = new AbortController();
  const stop = (): void => shutdown.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // a lost link closes stdout: the run goes on (and is kept for the master's next contact)
  process.stdout.on('error', () => undefined);
  let linger = 0;
  try {
    return await serve({
      ...options,
      stdin: process.stdin,
      signal: shutdown.signal,
      onEnvelope: (env) => void (linger = env.linger ?? 0),
    });
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    // the master may keep stdin open; nothing more is read from it
    process.stdin.destroy();
    if (linger > 0 && !shutdown.signal.aborted) await leaveResident(agentName(), argv, linger).catch(() => undefined);
  }
}
