// A daemon's command-line socket (master/api/local-jobs.ts) in this process, running command lines
// through main() on the in-process job tree (../jobs/job-tree.ts), and the thin client beside it.
import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalJobs } from '../../../master/api/local-jobs.ts';
import { main } from '../../../master/cli.ts';
import { type ClientIo, handOff } from '../../../master/client/handoff.ts';
import { configKey, daemonSocketPath } from '../../../master/client/daemon-socket.ts';
import type { JobHooks } from '../../../master/commands/job.ts';
import { inProcessHosts } from '../in-process-hosts.ts';
import { writeJobTree } from '../jobs/job-tree.ts';

export const STAMP = 'a'.repeat(64);

export interface Run {
  code: number | undefined;
  out: string;
  err: string;
}

export interface DaemonFixture {
  dir: string;
  config: string;
  runtime: string;
  local: LocalJobs | undefined;
  /** What the daemon logged. */
  logged: string[];
  /** Each host run waits for this before it starts (released by default). */
  gate: { wait: Promise<void>; release(): void; close(): void };
  /** Starts the daemon's socket (with `stamp` as its code). */
  start(stamp?: string): Promise<void>;
  /** `halite ARGV` through the thin client: code undefined when it would run in its own process. */
  client(argv: string[], more?: Partial<ClientIo>): Promise<Run>;
  /** `halite ARGV` in this process, as the command would run without a daemon. */
  inProcess(argv: string[], more?: Partial<ClientIo>): Promise<Run>;
  close(): Promise<void>;
}

export function daemonFixture(t: { teardown(fn: () => Promise<void> | void): void }): DaemonFixture {
  const dir = mkdtempSync(join(tmpdir(), 'halite-client-'));
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { mode: 0o700 });
  const config = writeJobTree(dir);
  let release!: () => void;
  const gate = {
    wait: Promise.resolve(),
    release: () => release?.(),
    close: () => void (gate.wait = new Promise<void>((r) => (release = r))),
  };
  const jobHooks = (hostsDir: string): JobHooks => {
    const inner = inProcessHosts(hostsDir).hooks.job!;
    return {
      tty: false,
      runner: async (env) => {
        const run = await inner.runner!(env);
        return async (host, opts) => {
          await gate.wait;
          return run(host, opts);
        };
      },
    };
  };
  const env = { USER: 'alice', HALITE_RUNTIME_DIR: runtime };
  const io = (more: Partial<ClientIo>, run: Run): ClientIo => ({
    stdout: (s) => void (run.out += s),
    stderr: (s) => void (run.err += s),
    env,
    cwd: dir,
    tty: { stdout: false, stderr: false },
    interactive: false,
    signals: new EventEmitter(),
    ...more,
  });
  const f: DaemonFixture = {
    dir,
    config,
    runtime,
    local: undefined,
    logged: [],
    gate,
    async start(stamp = STAMP) {
      const key = configKey(config);
      const where = daemonSocketPath(key, env);
      if (!('path' in where)) throw new Error(where.refused);
      f.local = new LocalJobs({
        socket: where.path,
        config: key,
        stamp,
        log: (m) => void f.logged.push(m),
        run: (argv, cio, signals) => main(argv, cio, { job: { ...jobHooks(join(dir, 'hosts')), signals } }),
      });
      await f.local.listen();
    },
    async client(argv, more = {}) {
      const run: Run = { code: undefined, out: '', err: '' };
      run.code = await handOff(argv, STAMP, io(more, run));
      return run;
    },
    async inProcess(argv, more = {}) {
      const run: Run = { code: undefined, out: '', err: '' };
      const { signals, ...cio } = io(more, run);
      run.code = await main(argv, cio, { job: { ...jobHooks(join(dir, 'hosts')), signals } });
      return run;
    },
    async close() {
      gate.release();
      await f.local?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  t.teardown(() => f.close());
  return f;
}
