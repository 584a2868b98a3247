// What a service manager offers the service states: a batched status read and actions.
import type { HostContext } from './context.ts';
import { keyOf, type ServiceState, type ServiceStates } from '../facts/services.ts';
import type { Fact } from '../facts/cache.ts';
import { refuseOptionLike } from '../process/operands.ts';

export type ServiceAction =
  'start' | 'stop' | 'restart' | 'reload' | 'force-reload' | 'full-restart' | 'enable' | 'disable';

export interface ActionResult {
  ok: boolean;
  /** What the command said when it failed. */
  error?: string;
}

export interface ServiceBackend {
  readonly kind: 'systemd' | 'sysvinit';
  /** The state of `name`, read together with every other service the run manages. */
  state(name: string, ctx: HostContext): Promise<ServiceState>;
  run(action: ServiceAction, name: string, ctx: HostContext): Promise<ActionResult>;
  /** Reads the state of `name` afresh (after a settle time, say). */
  recheck(name: string, ctx: HostContext): Promise<ServiceState>;
}

/**
 * Why `name` cannot be a service name, or undefined: it becomes a path (/etc/init.d/NAME) and an
 * operand of update-rc.d, which reads a leading '-' as an option.
 */
export function serviceNameError(name: string): string | undefined {
  if (!name || name.includes('/') || name.includes('\0') || name === '.' || name === '..')
    return `Invalid service name '${name}'`;
  return refuseOptionLike('service name', name);
}

/** Names of every service the run manages (so one query answers them all), plus `name`. */
export function servicesOfInterest(name: string, ctx: HostContext): string[] {
  const names = new Set([name]);
  for (const c of ctx.chunks ?? []) if (c.state === 'service' && !serviceNameError(c.name)) names.add(c.name);
  return [...names];
}

export function resultOf(r: { code: number; stdout: string; stderr: string; error?: string }): ActionResult {
  if (r.code === 0) return { ok: true };
  const msg = (r.stderr || r.stdout || r.error || `exit code ${r.code}`).trim();
  return { ok: false, error: msg };
}

/** The state of `name`, from the batch that answers for every service of the run. */
export async function batchedState<Raw>(
  fact: Fact<Raw, ServiceStates>,
  name: string,
  ctx: HostContext,
): Promise<ServiceState> {
  const all = await ctx.facts.get(fact, keyOf(servicesOfInterest(name, ctx)));
  return all.get(name) ?? { name, available: false, running: false, enabled: false };
}

/**
 * After an action on `name`: reads that one service again and puts the answer into the
 * batch, so the other services are not asked again.
 */
export async function refreshState<Raw>(fact: Fact<Raw, ServiceStates>, name: string, ctx: HostContext): Promise<void> {
  const one = keyOf([name]);
  ctx.facts.invalidate(fact, one);
  const fresh = (await ctx.facts.get(fact, one)).get(name);
  const batchKey = keyOf(servicesOfInterest(name, ctx));
  if (batchKey === one || !fresh) return;
  const batch = await ctx.facts.get(fact, batchKey);
  ctx.facts.set(fact, batchKey, new Map(batch).set(name, fresh));
}
