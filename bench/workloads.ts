// The workloads: a halite state tree and the Ansible playbook that does the same, and what the
// equivalence check compares on every host after each tool's run.
import { fileURLToPath } from 'node:url';

export interface Workload {
  name: string;
  /** halite: states/ and pillar/ of the workload. */
  states: string;
  pillar: string;
  /** Ansible: the playbook (its templates beside it). */
  playbook: string;
  /**
   * The first converge is one of the benchmark's measures: it runs --first-runs times, each on a
   * fresh fleet. Otherwise it runs once, as the setup of the no-op rows, and is reported as such.
   */
  repeatFirstConverge: boolean;
  /** What the hosts must agree on after either tool ran. */
  check: {
    paths: string[];
    packages: string[];
    services: string[];
    users: string[];
    groups: string[];
    /** Users whose crontab entries (comments aside) are compared. */
    crontabs: string[];
  };
}

const dir = (name: string, ...rest: string[]): string =>
  fileURLToPath(new URL(`./workloads/${[name, ...rest].join('/')}`, import.meta.url));

export const ROLES_DIR = dir('roles');

const workload = (name: string, repeatFirstConverge: boolean, check: Workload['check']): Workload => ({
  name,
  repeatFirstConverge,
  states: dir(name, 'halite', 'states'),
  pillar: dir(name, 'halite', 'pillar'),
  playbook: dir(name, 'ansible', 'playbook.yml'),
  check,
});

export const WORKLOADS: Record<string, Workload> = {
  memcached: workload('memcached', true, {
    paths: ['/etc/memcached.conf'],
    packages: ['memcached'],
    services: ['memcached'],
    users: [],
    groups: [],
    crontabs: [],
  }),
  base: workload('base', false, {
    paths: [
      '/srv/app',
      '/srv/app/releases',
      '/srv/app/shared',
      '/var/log/app',
      '/etc/app',
      '/srv/app/current',
      '/etc/motd',
      '/etc/issue.net',
      '/etc/app/env',
      '/etc/sysctl.d/60-app.conf',
      '/etc/logrotate.d/app',
      '/etc/bash.bashrc',
      '/home/deploy',
      '/var/lib/backup-agent',
    ],
    packages: ['cron'],
    services: [],
    users: ['deploy', 'backup-agent'],
    groups: ['ops'],
    crontabs: ['root'],
  }),
};
