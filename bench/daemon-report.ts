// The daemon rows as a section of bench/results.md: written into the file in place of the section
// of an earlier run (or added at its end), the side-by-side rows above it left as they are.
import type { DaemonRow } from './daemon.ts';
import { machine } from './report.ts';
import type { Summary } from './stats.ts';

const DAEMON_HEADING = '## Through the daemon: no-op highstate';

const s = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));
const spread = (x: Summary | undefined): string =>
  x ? `${s(x.wallSec)} (${s(x.wallMinSec)}–${s(x.wallMaxSec)})` : '–';
const ratio = (a: number, b: number | undefined): string => (b ? (a / b).toFixed(3) : '–');
const load = (xs: (Summary | undefined)[]): string => {
  const got = xs.filter((x): x is Summary => x !== undefined);
  return `${Math.min(...got.map((x) => x.loadMin)).toFixed(1)}–${Math.max(...got.map((x) => x.loadMax)).toFixed(1)}`;
};

export function daemonSection(date: string, versions: Record<string, string>, rows: readonly DaemonRow[]): string {
  return [
    DAEMON_HEADING,
    '',
    `Measured ${date} on ${machine()}, with \`npm run bench -- --daemon --hosts ${[...new Set(rows.map((r) => r.hosts))].join(',')}\`. Versions: ${Object.entries(
      versions,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    'On one fleet converged by halite: `halite --daemon highstate --level bench` handing the job to a running `halite serve` (after one untimed run that opens the daemon’s SSH connections), the same command run in its own process (`--no-daemon`; its connection keeper warm), and ansible-playbook (after one untimed run on the same hosts, which opens its ControlPersist masters). Every run must change nothing. Wall seconds: median (fastest–slowest run); ratio = median / Ansible’s median. Master CPU includes the daemon’s work for the job (it runs in the measured cgroup). Load: the machine’s 1-minute load average at the start of the runs (lowest–highest) — other work on the machine slows every column.',
    '',
    '| workload | hosts | through the daemon wall s | command alone wall s | Ansible wall s | daemon / Ansible | alone / Ansible | daemon master CPU s | alone master CPU s | Ansible master CPU s | load | runs |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.hosts} | ${spread(r.daemon)} | ${spread(r.alone)} | ${spread(r.ansible)} | ${ratio(r.daemon.wallSec, r.ansible?.wallSec)} | ${ratio(r.alone.wallSec, r.ansible?.wallSec)} | ${s(r.daemon.masterCpuSec)} | ${s(r.alone.masterCpuSec)} | ${s(r.ansible?.masterCpuSec)} | ${load([r.daemon, r.alone, r.ansible])} | ${r.daemon.runs} |`,
    ),
    '',
  ].join('\n');
}

/** `doc` with `section` in place of its daemon section, or added at its end. */
export function spliceSection(doc: string, section: string): string {
  const at = doc.indexOf(DAEMON_HEADING);
  if (at < 0) return `${doc.replace(/\n*$/, '\n')}\n${section}`;
  const next = doc.indexOf('\n## ', at + DAEMON_HEADING.length);
  return `${doc.slice(0, at)}${section}${next < 0 ? '' : doc.slice(next + 1)}`;
}
