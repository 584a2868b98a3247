// What the benchmark's series share: progress lines, fresh fleets, waiting for a fleet at rest, and
// one timed run of a tool checked for its exit status (and, for a no-op, for changes).
import { up, type Fleet, type HostSpec } from '../test/fleet/index.ts';
import { fleetNamespaces, settledCpuSec } from './fleet-cpu.ts';
import { measure, type Sample } from './measure.ts';
import type { MeasuredGroup } from './cgroup.ts';
import { LEVEL, ROLE, changedCount, type ToolRun } from './tools.ts';

const startedAt = Date.now();
/** Progress on stderr, each line with the minutes and seconds since the benchmark started. */
export const log = (line: string): void => {
  const s = Math.floor((Date.now() - startedAt) / 1000);
  process.stderr.write(`[${String(Math.floor(s / 60)).padStart(3)}:${String(s % 60).padStart(2, '0')}] ${line}\n`);
};
export function hostSpecs(n: number): HostSpec[] {
  return Array.from({ length: n }, (_, i) => ({ id: `bench${i + 1}`, roles: [ROLE], level: LEVEL }));
}

export async function freshFleet(o: { fleet: string }, n: number): Promise<Fleet> {
  const started = Date.now();
  const fleet = await up({ name: o.fleet, replace: true, hosts: hostSpecs(n) });
  log(`  fleet of ${n} hosts up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return fleet;
}

/**
 * Waits (up to two minutes) until the fleet's VMs use no CPU: what a first converge set going
 * (daemons starting, resident agents coming up at low priority on the shared cores) ends before
 * the no-op runs, which measure a fleet at rest.
 */
export async function quiet(fleet: Fleet): Promise<void> {
  const started = Date.now();
  await settledCpuSec(fleetNamespaces(fleet), { maxMs: 120_000 });
  log(`  fleet quiet after ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export async function timed(
  tool: ToolRun,
  fleet: Fleet,
  what: string,
  noop: boolean,
  group: MeasuredGroup | undefined,
): Promise<Sample> {
  const sample = await measure({
    argv: tool.argv,
    env: tool.env,
    namespaces: fleetNamespaces(fleet),
    ...(group ? { group } : {}),
  });
  if (sample.exitCode !== 0)
    throw new Error(`${tool.name} ${what} failed (exit ${sample.exitCode}):\n${sample.output.slice(-3000)}`);
  const changed = changedCount(tool.name, sample.output);
  if (noop && changed !== 0)
    throw new Error(
      `${tool.name} ${what}: expected no changes, got ${changed ?? 'no summary'}:\n${sample.output.slice(-3000)}`,
    );
  log(
    `  ${tool.name} ${what}: ${sample.wallSec.toFixed(2)} s wall, master ${sample.masterCpuSec.toFixed(2)} s CPU, fleet ${sample.fleetCpuSec.toFixed(2)} s CPU, load ${sample.load1.toFixed(1)}`,
  );
  return sample;
}
