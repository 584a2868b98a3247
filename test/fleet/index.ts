// The test fleet: Debian VMs made of Linux namespaces, for end-to-end tests, demos and benchmarks.
//
//   const fleet = await up({ hosts: [{ id: 'web1', roles: ['app'], level: 'staging' }] });
//   await fleet.ssh('web1', ['hostname']);          // through the jump host
//   await fleet.exec('web1', ['apt-get', 'install', '-y', 'memcached']);
//   await fleet.down();
//
// See docs/fleet.md.
export { up, type UpOptions } from './up.ts';
export { down, type DownOptions } from './down.ts';
export { attach, fleetNames } from './attach.ts';
export { ensureCache, type CacheOptions, type FleetCache } from './cache.ts';
export { Fleet, type FleetHost, type HostStatus } from './fleet.ts';
export { FleetError } from './errors.ts';
export type { HostSpec } from './plan.ts';
export type { RunResult } from './run.ts';
export type { ExecOptions } from './exec.ts';
