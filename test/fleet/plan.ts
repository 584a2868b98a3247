// The fleet's shape as data: names, addresses and links for a fleet name, a slot and a host list.
// Pure; everything that creates or removes something reads it from here.
//
// Slot k owns two /24 networks in 10.77.0.0/16:
//   10.77.(2k).0/24    master ↔ jump, a point-to-point veth (master .1, jump .2)
//   10.77.(2k+1).0/24  the internal bridge: jump .1, role hosts from .10
export const MAX_SLOTS = 128;
export const MAX_HOSTS = 240;
export const SSH_PORT = 22;

export interface HostSpec {
  id: string;
  roles?: readonly string[];
  level?: string;
}

export interface HostPlan {
  id: string;
  roles: string[];
  level?: string;
  kind: 'jump' | 'role';
  /** Where the host is reached: the jump from the master, a role host from inside the fleet. */
  address: string;
  /** The host's address on the internal bridge (the jump has both). */
  internalAddress: string;
  port: number;
  netns: string;
  /** The host's port on the internal bridge (a veth in the switch namespace). */
  switchPort: string;
}

export interface FleetPlan {
  name: string;
  slot: number;
  /** master ↔ jump network */
  external: { subnet: string; master: string };
  /** the role hosts' network */
  internal: { subnet: string };
  prefixLength: 24;
  /** The master's end of the veth to the jump host (in the root namespace). */
  masterLink: string;
  /** The namespace holding the internal bridge. */
  switchNetns: string;
  bridge: string;
  jump: HostPlan;
  hosts: HostPlan[];
}

const HOST_ID = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const FLEET_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

export function checkFleetName(name: string): void {
  if (!FLEET_NAME.test(name)) throw new Error(`fleet name "${name}" must be 1-32 characters of a-z, 0-9 and "-"`);
}

/** Every namespace of a fleet is named `halite.<fleet>` (the switch) or `halite.<fleet>.<host>`. */
export function netnsPrefix(fleet: string): string {
  return `halite.${fleet}`;
}

export function planFleet(name: string, slot: number, hosts: readonly HostSpec[], jumpId = 'jump'): FleetPlan {
  checkFleetName(name);
  if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_SLOTS)
    throw new Error(`slot ${slot} is outside 0-${MAX_SLOTS - 1}`);
  if (hosts.length > MAX_HOSTS) throw new Error(`a fleet has at most ${MAX_HOSTS} role hosts, not ${hosts.length}`);
  const seen = new Set<string>();
  for (const id of [jumpId, ...hosts.map((h) => h.id)]) {
    if (!HOST_ID.test(id) || id === 'localhost')
      throw new Error(`host id "${id}" is not a valid hostname (a-z, 0-9, "-", at most 63)`);
    if (seen.has(id)) throw new Error(`host id "${id}" appears twice`);
    seen.add(id);
  }
  const ext = `10.77.${2 * slot}`;
  const int = `10.77.${2 * slot + 1}`;
  const prefix = netnsPrefix(name);
  return {
    name,
    slot,
    external: { subnet: `${ext}.0/24`, master: `${ext}.1` },
    internal: { subnet: `${int}.0/24` },
    prefixLength: 24,
    masterLink: `hfleet${slot}`,
    switchNetns: prefix,
    bridge: 'br0',
    jump: {
      id: jumpId,
      roles: [],
      kind: 'jump',
      address: `${ext}.2`,
      internalAddress: `${int}.1`,
      port: SSH_PORT,
      netns: `${prefix}.${jumpId}`,
      switchPort: 'jump',
    },
    hosts: hosts.map((h, i) => ({
      id: h.id,
      roles: [...(h.roles ?? [])],
      level: h.level,
      kind: 'role',
      address: `${int}.${10 + i}`,
      internalAddress: `${int}.${10 + i}`,
      port: SSH_PORT,
      netns: `${prefix}.${h.id}`,
      switchPort: `port${i}`,
    })),
  };
}

export function allHosts(plan: FleetPlan): HostPlan[] {
  return [plan.jump, ...plan.hosts];
}
