// The fleet's network, created and removed from the root namespace with `ip`:
//
//   master (root ns) ──veth── jump (eth0)           10.77.(2k).0/24
//                             jump (eth1) ──┐
//                             host (eth0) ──┼── br0 in the switch namespace   10.77.(2k+1).0/24
//                             host (eth0) ──┘
//
// No namespace forwards or has a default route: role hosts reach nothing outside the bridge, and
// a guard `unreachable` route on the master makes direct connections to them fail at once.
import { existsSync, readdirSync } from 'node:fs';
import { FleetError } from './errors.ts';
import { allHosts, netnsPrefix, type FleetPlan } from './plan.ts';
import { run } from './run.ts';

const NETNS_DIR = '/run/netns';

function batch(lines: string[], netns?: string, host?: string) {
  const argv = netns ? ['ip', '-n', netns, '-batch', '-'] : ['ip', '-batch', '-'];
  return run(argv, { input: `${lines.join('\n')}\n`, step: 'network', host });
}

/** Refuses to create a fleet whose names or subnets are already in use on this machine. */
export async function checkNetworkFree(plan: FleetPlan): Promise<void> {
  const taken = allHosts(plan)
    .map((h) => h.netns)
    .concat(plan.switchNetns)
    .filter((n) => existsSync(`${NETNS_DIR}/${n}`));
  if (taken.length)
    throw new FleetError(
      `network namespaces already exist: ${taken.join(', ')} (a fleet "${plan.name}" is up or was not taken down)`,
      { step: 'network' },
    );
  if (existsSync(`/sys/class/net/${plan.masterLink}`))
    throw new FleetError(`link ${plan.masterLink} already exists (another fleet uses slot ${plan.slot})`, {
      step: 'network',
    });
  const routes = JSON.parse(
    (await run(['ip', '-j', '-4', 'route', 'show', 'table', 'all'], { step: 'network' })).stdout,
  ) as Array<{ dst: string; dev?: string }>;
  const clash = routes.filter((r) => r.dst === plan.external.subnet || r.dst === plan.internal.subnet);
  if (clash.length) {
    throw new FleetError(
      `routes for the fleet's subnets already exist: ${clash.map((r) => `${r.dst}${r.dev ? ` dev ${r.dev}` : ''}`).join(', ')}`,
      { step: 'network' },
    );
  }
}

export async function createNetwork(plan: FleetPlan): Promise<void> {
  const p = `/${plan.prefixLength}`;
  const { jump } = plan;
  await batch([
    `netns add ${plan.switchNetns}`,
    ...allHosts(plan).map((h) => `netns add ${h.netns}`),
    `link add ${plan.masterLink} type veth peer name eth0 netns ${jump.netns}`,
    `addr add ${plan.external.master}${p} dev ${plan.masterLink}`,
    `link set ${plan.masterLink} up`,
    `route add unreachable ${plan.internal.subnet}`,
  ]);
  await batch(
    [
      'link set lo up',
      `link add ${plan.bridge} type bridge`,
      `link set ${plan.bridge} up`,
      ...allHosts(plan).flatMap((h) => [
        `link add ${h.switchPort} type veth peer name ${h.kind === 'jump' ? 'eth1' : 'eth0'} netns ${h.netns}`,
        `link set ${h.switchPort} master ${plan.bridge}`,
        `link set ${h.switchPort} up`,
      ]),
    ],
    plan.switchNetns,
  );
  await Promise.all([
    batch(
      [
        'link set lo up',
        `addr add ${jump.address}${p} dev eth0`,
        'link set eth0 up',
        `addr add ${jump.internalAddress}${p} dev eth1`,
        'link set eth1 up',
      ],
      jump.netns,
      jump.id,
    ),
    ...plan.hosts.map((h) =>
      batch(['link set lo up', `addr add ${h.address}${p} dev eth0`, 'link set eth0 up'], h.netns, h.id),
    ),
  ]);
}

/** Network namespaces of fleet `name` that exist now (from a full or a half-made fleet). */
export function fleetNetns(name: string): string[] {
  const prefix = netnsPrefix(name);
  let names: string[];
  try {
    names = readdirSync(NETNS_DIR);
  } catch {
    return [];
  }
  return names.filter((n) => n === prefix || n.startsWith(`${prefix}.`));
}

export const netnsPath = (name: string) => `${NETNS_DIR}/${name}`;

/**
 * Removes the fleet's namespaces and, when its plan is known, its veth on the master and the
 * guard route. Idempotent.
 */
export async function destroyNetwork(name: string, plan?: Pick<FleetPlan, 'masterLink' | 'internal'>): Promise<void> {
  for (const ns of fleetNetns(name)) await run(['ip', 'netns', 'delete', ns], { step: 'down' });
  if (!plan) return;
  // Deleting the jump's namespace removes the veth too, but the kernel does it asynchronously.
  const link = `/sys/class/net/${plan.masterLink}`;
  if (existsSync(link)) await run(['ip', 'link', 'delete', plan.masterLink], { step: 'down', reject: false });
  for (let i = 0; existsSync(link); i++) {
    if (i === 100) throw new FleetError(`link ${plan.masterLink} is still present`, { step: 'down' });
    await new Promise((r) => setTimeout(r, 50));
  }
  const guard = await run(
    ['ip', '-j', '-4', 'route', 'show', 'table', 'main', 'type', 'unreachable', 'exact', plan.internal.subnet],
    { step: 'down' },
  );
  if ((JSON.parse(guard.stdout || '[]') as unknown[]).length) {
    await run(['ip', 'route', 'delete', 'unreachable', plan.internal.subnet], { step: 'down' });
  }
}
