// The package floor of a first converge: the workload's packages installed on every host at once
// by the same apt-get command halite's agent runs, with no tool around it. Both tools pay this
// work on every host; what a tool adds on top of it is its own cost.
import { APT_ENV, installArgv } from '../agent/backends/apt.ts';
import type { Fleet } from '../test/fleet/index.ts';
import { shellQuote } from '../test/fleet/exec.ts';

export interface FloorSample {
  wallSec: number;
  /** CPU seconds of every apt-get and what it ran (dpkg, maintainer scripts), all hosts. */
  fleetCpuSec: number;
}

/** Medians of a workload's floor samples. */
export interface FloorSummary extends FloorSample {
  runs: number;
}

/** bash's `times` prints the shell's and then its children's user and system time, as `1m2.345s`. */
export function childrenCpuSec(timesOutput: string): number {
  const lines = timesOutput.trim().split('\n');
  const children = lines[lines.length - 1] ?? '';
  const parts = [...children.matchAll(/(\d+)m([\d.]+)s/g)];
  if (parts.length !== 2) throw new Error(`unexpected output of bash's times: ${JSON.stringify(timesOutput)}`);
  return parts.reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
}

/**
 * Installs `packages` on every host of a fresh fleet at once and returns the wall time and the
 * CPU time of the installs (measured by each host's shell, which reaps apt-get and everything it
 * started, daemons aside).
 */
export async function packageFloor(fleet: Fleet, packages: readonly string[]): Promise<FloorSample> {
  const install = shellQuote(installArgv(packages.map((name) => ({ name }))));
  const script = `${install} >/dev/null 2>&1 || { echo "apt-get failed" >&2; exit 1; }; times`;
  const started = process.hrtime.bigint();
  const outputs = await Promise.all(
    fleet.hosts.map((h) => fleet.exec(h, ['bash', '-c', script], { env: APT_ENV, timeoutMs: 900_000 })),
  );
  const wallSec = Number(process.hrtime.bigint() - started) / 1e9;
  return { wallSec, fleetCpuSec: outputs.reduce((sum, r) => sum + childrenCpuSec(r.stdout), 0) };
}
