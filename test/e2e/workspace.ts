// A halite workspace for a running test fleet: the fleet's hosts as a roster, a configuration
// pointing at the fleet's jump host, key and (a copy of its) known-hosts, and the repository's
// states, pillar and roles; the job store in the same temporary directory.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Fleet } from '../fleet/index.ts';
import { REPO } from './support.ts';

export interface FleetWorkspace {
  dir: string;
  config: string;
  roster: string;
  knownHosts: string;
  jobsDb: string;
}

export function fleetWorkspace(fleet: Fleet, dir = mkdtempSync(join(tmpdir(), `halite-${fleet.name}-`))): FleetWorkspace {
  const ws: FleetWorkspace = {
    dir,
    config: join(dir, 'halite.yaml'),
    roster: join(dir, 'roster.yaml'),
    knownHosts: join(dir, 'known_hosts'),
    jobsDb: join(dir, 'jobs.sqlite'),
  };
  copyFileSync(fleet.knownHosts, ws.knownHosts);
  writeFileSync(ws.roster, stringify(fleet.roster()));
  const jump = { host: fleet.jump.address, port: fleet.jump.port, user: fleet.jump.user };
  // the repository's roles count hosts for staging and production: both levels must be known
  const levels = [...new Set(['staging', 'production', ...fleet.hosts.flatMap((h) => (h.level ? [h.level] : []))])];
  writeFileSync(
    ws.config,
    stringify({
      states: join(REPO, 'states'),
      pillar: join(REPO, 'pillar'),
      private_pillar: join(REPO, 'pillar-private'),
      roles: join(REPO, 'roles'),
      roster: ws.roster,
      jobs_db: ws.jobsDb,
      ssh: { key: fleet.sshKey, known_hosts: ws.knownHosts, connect_timeout: 5 },
      levels: Object.fromEntries(levels.map((l) => [l, { jump }])),
      concurrency: 8,
    }),
  );
  return ws;
}
