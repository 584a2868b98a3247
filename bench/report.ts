// The results: a console table and a markdown file with the machine, the versions, the settings,
// every pair's medians and the halite/Ansible ratios, and the halite scaling series.
import { cpus, totalmem } from 'node:os';
import type { FloorSummary } from './floor.ts';
import type { Summary } from './stats.ts';

export interface PairRow {
  workload: string;
  run: 'first converge' | 'no-op';
  hosts: number;
  halite: Summary;
  ansible?: Summary;
  /** First converges: the workload's packages installed with no tool (floor.ts). */
  floor?: FloorSummary;
  /**
   * First converges: what every host looked like after each tool (fingerprint.ts, by host id),
   * taken before the no-op runs; the benchmark stops when the two differ.
   */
  fingerprints?: { halite: Record<string, string>; ansible?: Record<string, string> };
}

export interface ScaleRow {
  hosts: number;
  halite: Summary;
}

export interface Results {
  date: string;
  versions: Record<string, string>;
  settings: string[];
  pairs: PairRow[];
  scaling: ScaleRow[];
}

const s = (x: number | undefined, digits = 2): string => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));
const ratio = (a: number, b: number | undefined): string => (b ? (a / b).toFixed(3) : '–');

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 1024 ** 3)} GiB`;
}

export function markdown(r: Results): string {
  const lines = [
    '# halite and Ansible side by side',
    '',
    `Measured ${r.date} on one machine: ${machine()}. The fleet's VMs (namespaces behind one jump host) share those cores with the master, so fleet CPU competes with master CPU.`,
    '',
    `Versions: ${Object.entries(r.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    'Settings:',
    ...r.settings.map((x) => `- ${x}`),
    '',
    'Times are medians of the runs counted in the table; CPU is user + system seconds; ratio = halite / Ansible wall time.',
    '',
    '| workload | run | hosts | halite wall s | Ansible wall s | ratio | halite master CPU s | Ansible master CPU s | halite fleet CPU s | Ansible fleet CPU s | runs |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.pairs.map(
      (p) =>
        `| ${p.workload} | ${p.run} | ${p.hosts} | ${s(p.halite.wallSec)} | ${s(p.ansible?.wallSec)} | ${ratio(p.halite.wallSec, p.ansible?.wallSec)} | ${s(p.halite.masterCpuSec)} | ${s(p.ansible?.masterCpuSec)} | ${s(p.halite.fleetCpuSec)} | ${s(p.ansible?.fleetCpuSec)} | ${p.halite.runs} |`,
    ),
  ];
  const floors = r.pairs.filter((p) => p.floor);
  if (floors.length) {
    lines.push(
      '',
      '## First converge above the package floor',
      '',
      'Packages alone: the same packages installed on every host at once with no tool. What a tool takes beyond that is its own cost; ratio = halite / Ansible time above the floor.',
      '',
      '| workload | hosts | packages alone wall s | packages alone fleet CPU s | halite wall s | Ansible wall s | halite above floor s | Ansible above floor s | ratio above floor | runs |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...floors.map((p) => {
        const f = p.floor!;
        const h = p.halite.wallSec - f.wallSec;
        const a = p.ansible && p.ansible.wallSec - f.wallSec;
        return `| ${p.workload} | ${p.hosts} | ${s(f.wallSec)} | ${s(f.fleetCpuSec)} | ${s(p.halite.wallSec)} | ${s(p.ansible?.wallSec)} | ${s(h)} | ${s(a)} | ${ratio(h, a !== undefined && a > 0 ? a : undefined)} | ${f.runs} |`;
      }),
    );
  }
  if (r.scaling.length) {
    lines.push(
      '',
      '## halite scaling: no-op highstate of the base workload',
      '',
      '| hosts | wall s | ms per host | master CPU s | master peak MB | fleet CPU s | runs |',
      '|---:|---:|---:|---:|---:|---:|---:|',
      ...r.scaling.map(
        (x) =>
          `| ${x.hosts} | ${s(x.halite.wallSec)} | ${s((x.halite.wallSec * 1000) / x.hosts, 1)} | ${s(x.halite.masterCpuSec)} | ${s(x.halite.masterPeakMb, 0)} | ${s(x.halite.fleetCpuSec)} | ${x.halite.runs} |`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function consoleRow(p: PairRow): string {
  const a = p.ansible;
  return (
    `${p.workload.padEnd(10)} ${p.run.padEnd(15)} N=${String(p.hosts).padEnd(4)} halite ${s(p.halite.wallSec)} s (cpu master ${s(p.halite.masterCpuSec)} fleet ${s(p.halite.fleetCpuSec)})` +
    (a
      ? `  ansible ${s(a.wallSec)} s (cpu master ${s(a.masterCpuSec)} fleet ${s(a.fleetCpuSec)})  ratio ${ratio(p.halite.wallSec, a.wallSec)}`
      : '') +
    (p.floor ? `  packages alone ${s(p.floor.wallSec)} s (cpu fleet ${s(p.floor.fleetCpuSec)})` : '')
  );
}
