// CPU time spent on the fleet's VMs: every process in each host's PID namespace, its own time
// plus what its reaped children used (a namespace's init reaps the orphans, so nothing that ran
// there is missed, and processes still running, like resident agents, count too).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../test/fleet/index.ts';

const TICKS_PER_SEC = 100;

/** PID-namespace links (`pid:[…]`) of the fleet's role hosts. */
export function fleetNamespaces(fleet: Fleet): Set<string> {
  const state = JSON.parse(readFileSync(join(fleet.stateDir, 'fleet.json'), 'utf8')) as {
    processes: Record<string, { initPid: number }>;
  };
  const out = new Set<string>();
  for (const h of fleet.hosts) {
    const p = state.processes[h.id];
    if (p) out.add(readlinkSync(`/proc/${p.initPid}/ns/pid`));
  }
  return out;
}

/** CPU seconds used so far by the processes of the given namespaces. */
export function namespacesCpuSec(namespaces: Set<string>): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (!namespaces.has(readlinkSync(`/proc/${pid}/ns/pid`))) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // fields 14-17 of stat (utime stime cutime cstime) are 11-14 after the command name
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / TICKS_PER_SEC;
}

export interface SettleOptions {
  /** How often the fleet's CPU time is read. */
  intervalMs?: number;
  /** The fleet counts as quiet when an interval used less CPU than this. */
  quietCpuSec?: number;
  /** Give up waiting after this long (the CPU time so far is returned). */
  maxMs?: number;
}

/**
 * Waits until the fleet is quiet and returns its CPU seconds then: work a run set off goes on
 * after the command returned (resident agents starting, daemons settling), and it belongs to that
 * run, not to the next one.
 */
export async function settledCpuSec(namespaces: Set<string>, o: SettleOptions = {}): Promise<number> {
  const interval = o.intervalMs ?? 200;
  const quiet = o.quietCpuSec ?? 0.01;
  const deadline = Date.now() + (o.maxMs ?? 15_000);
  let last = namespacesCpuSec(namespaces);
  let calm = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, interval));
    const now = namespacesCpuSec(namespaces);
    calm = now - last < quiet ? calm + 1 : 0;
    last = now;
    if (calm >= 2) break;
  }
  return last;
}
