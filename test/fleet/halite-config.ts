// A halite configuration for a fleet that is up: the fleet's role hosts as a roster, a
// halite.yaml pointing at the fleet's jump host, client key and (a copy of its) known hosts, and
// the repository's states, pillar and roles; the job store beside them. Used by the demo, by
// `npm run fleet -- up --write-config DIR` and by the end-to-end tests.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Fleet } from './fleet.ts';

/** The checkout this file belongs to: its states/, pillar/, pillar-private/ and roles/. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface FleetWorkspace {
  dir: string;
  config: string;
  roster: string;
  knownHosts: string;
  jobsDb: string;
  /** A connection keeper socket directory for commands run by tests ($HALITE_RUNTIME_DIR). */
  runtimeDir: string;
}

export function workspacePaths(dir: string): FleetWorkspace {
  return {
    dir,
    config: join(dir, 'halite.yaml'),
    roster: join(dir, 'roster.yaml'),
    knownHosts: join(dir, 'known_hosts'),
    jobsDb: join(dir, 'jobs.sqlite'),
    runtimeDir: join(dir, 'run'),
  };
}

/** Writes halite.yaml, roster.yaml and known_hosts for the fleet into `dir` (created if missing). */
export function writeFleetConfig(fleet: Fleet, dir: string): FleetWorkspace {
  const ws = workspacePaths(dir);
  mkdirSync(dir, { recursive: true });
  copyFileSync(fleet.knownHosts, ws.knownHosts);
  const header = [
    `# The role hosts of the test fleet "${fleet.name}", written by the fleet when it came up.`,
    `# They are reached through the fleet's jump host (${fleet.jump.address}); the fleet's`,
    `# addresses change each time it comes up. Taken down with: npm run fleet -- down --name ${fleet.name}`,
  ];
  writeFileSync(ws.roster, `${header.join('\n')}\n${stringify(fleet.roster())}`);
  const jump = { host: fleet.jump.address, port: fleet.jump.port, user: fleet.jump.user };
  // the repository's roles count hosts for staging and production: both levels must be known
  const levels = [...new Set(['staging', 'production', ...fleet.hosts.flatMap((h) => (h.level ? [h.level] : []))])];
  const config = {
    states: join(REPO_ROOT, 'states'),
    pillar: join(REPO_ROOT, 'pillar'),
    private_pillar: join(REPO_ROOT, 'pillar-private'),
    roles: join(REPO_ROOT, 'roles'),
    roster: ws.roster,
    jobs_db: ws.jobsDb,
    ssh: { key: fleet.sshKey, known_hosts: ws.knownHosts, connect_timeout: 5 },
    levels: Object.fromEntries(levels.map((l) => [l, { jump }])),
    concurrency: 8,
  };
  const configHeader = [
    `# halite master configuration for the test fleet "${fleet.name}": the repository's states,`,
    "# pillar and roles, this directory's roster, job store and known hosts, and the fleet's key.",
  ];
  writeFileSync(ws.config, `${configHeader.join('\n')}\n${stringify(config)}`);
  return ws;
}

/** The roles of the checkout (roles/*.yaml). */
export function knownRoles(): string[] {
  return readdirSync(join(REPO_ROOT, 'roles'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** What to type next: the commands that work against the fleet with this configuration. */
export function howToUse(fleet: Fleet, ws: FleetWorkspace): string[] {
  const levels = [...new Set(fleet.hosts.flatMap((h) => (h.level ? [h.level] : [])))];
  const halite = `npx halite --config ${ws.config}`;
  const first = fleet.hosts[0];
  const last = fleet.hosts.at(-1);
  return [
    `configuration: ${ws.config}`,
    `roster:        ${ws.roster}`,
    `from the checkout (${REPO_ROOT.replace(/\/$/, '')}):`,
    ...levels.map((l) => `  ${halite} highstate --level ${l}`),
    `  ${halite} hosts`,
    ...(first ? [`  ${halite} ssh ${first.id}`, `  ${halite} run --host ${first.id} -- uptime`] : []),
    ...(last?.roles[0] && last.level ? [`  ${halite} ssh --role ${last.roles[0]} --level ${last.level}`] : []),
    `take the fleet down: npm run fleet -- down --name ${fleet.name}`,
  ];
}
