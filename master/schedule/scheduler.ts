// The daemon's schedules: each `schedules` entry of halite.yaml is a cron task; at each tick the run
// waits its splay, selects the hosts of its level (and roles) from the roster and states read
// afresh, and starts a highstate (applied or in test mode) through the daemon's job launcher, so it
// is recorded, published and run like a job started over the API. A tick whose hosts are busy with
// a running job (started from the command line, the API, another schedule or this one's previous
// tick) is not run: it is recorded as a skipped job that says which job holds which hosts.
import cron, { type ScheduledTask } from 'node-cron';
import type { JobLauncher, Launched } from '../api/launcher.ts';
import type { JobStore } from '../jobs/store.ts';
import type { ScheduleSpec } from '../config/schedules.ts';

export interface SchedulerEnv {
  schedules: readonly ScheduleSpec[];
  launcher: JobLauncher;
  store: JobStore;
  log(message: string): void;
  /** A number in [0, 1) (default Math.random): where in its splay a run starts. */
  random?(): number;
}

/** What one tick did. */
export type TickOutcome = { ran: Launched } | { skipped: Launched } | { failed: string } | { stopped: true };

const describe = (s: ScheduleSpec): string =>
  `${s.mode === 'test' ? 'test run' : 'highstate'} of level ${s.level}${s.roles.length ? ` (roles ${s.roles.join(', ')})` : ''}`;

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly stopping = new AbortController();
  private readonly ticks = new Set<Promise<unknown>>();

  constructor(private readonly env: SchedulerEnv) {}

  /** Starts a cron task per schedule. */
  start(): void {
    const logger = {
      info: () => undefined,
      debug: () => undefined,
      warn: (m: string) => this.env.log(`schedule: ${m}`),
      error: (m: string | Error) => this.env.log(`schedule: ${m instanceof Error ? m.message : m}`),
    };
    for (const spec of this.env.schedules) {
      this.tasks.push(cron.schedule(spec.cron, () => void this.fire(spec), { name: `halite-${spec.name}`, logger }));
      this.env.log(
        `schedule ${spec.name}: ${describe(spec)} at '${spec.cron}'${spec.splay ? `, splay ${spec.splay}s` : ''}`,
      );
    }
  }

  /** Runs one tick of `spec` now (what the cron task calls); resolves when the job has started or was skipped. */
  fire(spec: ScheduleSpec): Promise<TickOutcome> {
    const p = this.tick(spec);
    this.ticks.add(p);
    void p.finally(() => this.ticks.delete(p));
    return p;
  }

  private async splay(spec: ScheduleSpec): Promise<boolean> {
    if (!spec.splay) return !this.stopping.signal.aborted;
    const ms = Math.floor((this.env.random ?? Math.random)() * spec.splay * 1000);
    const signal = this.stopping.signal;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
    return !signal.aborted;
  }

  private async tick(spec: ScheduleSpec): Promise<TickOutcome> {
    if (!(await this.splay(spec))) return { stopped: true };
    const { store, launcher, log } = this.env;
    const test = spec.mode === 'test';
    const starter = { origin: 'schedule' as const, who: spec.name };
    const args = { level: [spec.level], role: spec.roles, schedule: spec.name };
    let jid: string | undefined;
    try {
      const launched = await launcher.start(
        { kind: 'highstate', level: [spec.level], role: spec.roles, host: [], target: [], test },
        starter,
        (id, hosts) => {
          jid = id;
          const { job, busy } = store.claimJob({ jid: id, kind: 'highstate', hosts, test, args, ...starter });
          return busy.length ? job.reason : undefined;
        },
      );
      for (const w of launched.warnings) log(`schedule ${spec.name}: ${w}`);
      if (launched.skipped !== undefined) {
        log(`schedule ${spec.name}: job ${launched.jid} ${launched.skipped}`);
        return { skipped: launched };
      }
      log(
        `schedule ${spec.name}: job ${launched.jid} started (${describe(spec)}, ${launched.hosts.length} host${launched.hosts.length === 1 ? '' : 's'})`,
      );
      return { ran: launched };
    } catch (err) {
      // a tick that could not even be planned (broken configuration, no such level) is recorded too
      const why = err instanceof Error ? err.message : String(err);
      const details = (err as { details?: string[] }).details ?? [];
      const reason = [why, ...details].join('\n');
      if (jid === undefined || !store.job(jid))
        store.recordNotRun({ jid: store.newJid(), kind: 'highstate', test, args, ...starter }, 'error', reason);
      log(`schedule ${spec.name}: not run: ${reason}`);
      return { failed: reason };
    }
  }

  /** Stops the cron tasks and the ticks waiting out their splay; resolves once no tick is starting a job. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const t of this.tasks) await t.destroy();
    this.tasks.length = 0;
    await Promise.allSettled([...this.ticks]);
  }
}
