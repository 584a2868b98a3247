// Prometheus metrics of the daemon, in the text exposition format: jobs and host runs counted from
// the bus since the daemon started, their durations, and each host's last successful run from the
// job store, and the drifted hosts.
import type { JobStore } from '../jobs/store.ts';
import type { EventBus } from './events.ts';

type Labels = Record<string, string>;

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (l: Labels) => {
  const keys = Object.keys(l);
  return keys.length ? `{${keys.map((k) => `${k}="${escape(l[k])}"`).join(',')}}` : '';
};

class Family {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(
    readonly name: string,
    readonly type: 'counter' | 'gauge',
    readonly help: string,
  ) {}

  add(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels, value: by });
  }

  set(labels: Labels, value: number): void {
    this.values.set(labelText(labels), { labels, value });
  }

  text(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, value } of [...this.values.values()].sort((a, b) =>
      labelText(a.labels).localeCompare(labelText(b.labels)),
    ))
      lines.push(`${this.name}${labelText(labels)} ${value}`);
    return lines.join('\n') + '\n';
  }
}

/** A summary without quantiles: the sum and count of observations per label set. */
class Summary {
  private readonly sum: Family;
  private readonly count: Family;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {
    this.sum = new Family(`${name}_sum`, 'counter', help);
    this.count = new Family(`${name}_count`, 'counter', help);
  }

  observe(labels: Labels, value: number): void {
    this.sum.add(labels, value);
    this.count.add(labels);
  }

  text(): string {
    const body = (f: Family) =>
      f
        .text()
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .join('\n');
    const parts = [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} summary`,
      body(this.sum),
      body(this.count),
    ].filter(Boolean);
    return parts.join('\n') + '\n';
  }
}

const FAILED = new Set(['failed', 'error', 'unreachable', 'timeout']);

export class Metrics {
  private readonly jobs = new Family(
    'halite_jobs_total',
    'counter',
    'Jobs finished since the daemon started, by kind and status.',
  );
  private readonly jobSeconds = new Summary('halite_job_duration_seconds', 'Wall time of the jobs finished, by kind.');
  private readonly hostRuns = new Family(
    'halite_host_runs_total',
    'counter',
    'Host runs finished since the daemon started, by host and status.',
  );
  private readonly hostFailures = new Family(
    'halite_host_failures_total',
    'counter',
    'Host runs that failed, errored or could not reach their host, by host.',
  );
  private readonly hostSeconds = new Summary(
    'halite_host_run_duration_seconds',
    'Duration of the host runs finished, by host.',
  );
  private readonly running = new Set<string>();

  constructor(
    bus: EventBus,
    private readonly store: JobStore,
    /** The daemon's SSH connections: opened since it started, and held now. */
    private readonly connections?: () => { opened: number; open: number },
  ) {
    bus.subscribe((e) => {
      if (e.type === 'job-start') this.running.add(e.jid);
      else if (e.type === 'job-done') {
        this.running.delete(e.jid);
        this.jobs.add({ kind: e.kind, status: e.status });
        this.jobSeconds.observe({ kind: e.kind }, e.durationMs / 1000);
      } else if (e.type === 'host-done') {
        this.hostRuns.add({ host: e.host, status: e.status });
        if (FAILED.has(e.status)) this.hostFailures.add({ host: e.host });
        this.hostSeconds.observe({ host: e.host }, e.durationMs / 1000);
      } else if (e.type === 'host-blocked') this.hostRuns.add({ host: e.host, status: 'blocked' });
    });
  }

  text(): string {
    const running = new Family('halite_jobs_running', 'gauge', 'Jobs the daemon is running now.');
    running.set({}, this.running.size);
    const last = new Family(
      'halite_host_last_success_timestamp_seconds',
      'gauge',
      "Unix time of each host's last run that succeeded (ok or changed), from the job history.",
    );
    for (const r of this.store.lastSuccesses()) last.set({ host: r.host }, Date.parse(r.finishedAt) / 1000);
    const drift = this.store.drift();
    const drifted = new Family(
      'halite_drifted_hosts',
      'gauge',
      'Hosts whose last test-mode highstate found states that would change.',
    );
    drifted.set({}, [...drift.values()].filter((d) => d.states.length).length);
    const driftStates = new Family(
      'halite_host_drifted_states',
      'gauge',
      'States that would change on each checked host, from its last test-mode highstate (0: in line).',
    );
    for (const d of drift.values()) driftStates.set({ host: d.host }, d.states.length);
    const families = [
      this.jobs,
      this.jobSeconds,
      running,
      this.hostRuns,
      this.hostFailures,
      this.hostSeconds,
      last,
      drifted,
      driftStates,
    ];
    if (this.connections) {
      const c = this.connections();
      const opened = new Family(
        'halite_ssh_connections_opened_total',
        'counter',
        'SSH connections to hosts the daemon opened since it started (it keeps them between jobs).',
      );
      opened.set({}, c.opened);
      const open = new Family('halite_ssh_connections_open', 'gauge', 'SSH connections to hosts the daemon holds now.');
      open.set({}, c.open);
      families.push(opened, open);
    }
    return families.map((f) => f.text()).join('');
  }
}
