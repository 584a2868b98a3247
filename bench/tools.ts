// The two tools set up for one fleet and one workload: a halite master configuration with the
// fleet as its roster, and an Ansible project (inventory, ansible.cfg) with its fastest honest
// settings: pipelining, ControlPersist, forks = N, no fact gathering.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Fleet } from '../test/fleet/index.ts';
import { ROLES_DIR, type Workload } from './workloads.ts';

export const LEVEL = 'bench';
export const ROLE = 'bench';
const REPO = fileURLToPath(new URL('..', import.meta.url));

export interface ToolRun {
  name: 'halite' | 'ansible';
  argv: string[];
  env: NodeJS.ProcessEnv;
}

/** The halite master pushing `w` to every host of the fleet (the bundled command line). */
export function haliteRun(fleet: Fleet, w: Workload, dir: string): ToolRun {
  mkdirSync(join(dir, 'private'), { recursive: true });
  const knownHosts = join(dir, 'known_hosts');
  copyFileSync(fleet.knownHosts, knownHosts);
  const roster = join(dir, 'roster.yaml');
  writeFileSync(roster, stringify(fleet.roster()));
  const config = join(dir, 'halite.yaml');
  writeFileSync(
    config,
    stringify({
      states: w.states,
      pillar: w.pillar,
      private_pillar: join(dir, 'private'),
      roles: ROLES_DIR,
      roster,
      jobs_db: join(dir, 'jobs.sqlite'),
      ssh: { key: fleet.sshKey, known_hosts: knownHosts, connect_timeout: 10 },
      levels: { [LEVEL]: { jump: { host: fleet.jump.address, port: fleet.jump.port, user: fleet.jump.user } } },
      concurrency: Math.max(8, fleet.hosts.length),
    }),
  );
  // the connection keeper of this run's commands only, started by the first of them
  const runtime = join(dir, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  return {
    name: 'halite',
    argv: [process.execPath, join(REPO, 'bin/halite.js'), '--config', config, 'highstate', '--level', LEVEL],
    env: { ...process.env, NO_COLOR: '1', HALITE_RUNTIME_DIR: runtime },
  };
}

/** ansible-playbook running `w` on every host of the fleet through the same jump host. */
export function ansibleRun(fleet: Fleet, w: Workload, dir: string): ToolRun {
  mkdirSync(join(dir, 'cp'), { recursive: true });
  const inventory = join(dir, 'inventory.ini');
  writeFileSync(inventory, `[${ROLE}]\n${fleet.hosts.map((h) => h.id).join('\n')}\n`);
  const cfg = join(dir, 'ansible.cfg');
  writeFileSync(
    cfg,
    [
      '[defaults]',
      `inventory = ${inventory}`,
      `forks = ${fleet.hosts.length}`,
      'gathering = explicit',
      'host_key_checking = True',
      'interpreter_python = /usr/bin/python3',
      'retry_files_enabled = False',
      'deprecation_warnings = False',
      `local_tmp = ${join(dir, 'tmp')}`,
      '',
      '[ssh_connection]',
      'pipelining = True',
      // the fleet's ssh client configuration: ProxyJump through the jump host, its key, pinned host keys
      `ssh_args = -F ${fleet.sshConfig} -o ControlMaster=auto -o ControlPersist=60s`,
      `control_path_dir = ${join(dir, 'cp')}`,
      '',
    ].join('\n'),
  );
  return {
    name: 'ansible',
    argv: ['ansible-playbook', w.playbook],
    env: { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', HOME: dir },
  };
}

/** Installs Debian's ansible on the master when ansible-playbook is missing. */
export function ensureAnsible(log: (s: string) => void): string {
  const has = (): boolean => {
    try {
      execFileSync('ansible-playbook', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (!has()) {
    log("installing Debian's ansible package");
    execFileSync('apt-get', ['install', '-y', '-q', 'ansible'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const first = execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const core = /core ([\w.]+)/.exec(first)?.[1];
  return core ? `ansible-core ${core}` : first.trim();
}

/** Changed-state counts a run reported (to check that no-op runs changed nothing). */
export function changedCount(tool: ToolRun['name'], output: string): number | undefined {
  if (tool === 'halite') {
    const m = /^\s*Hosts[\s\S]*?^\s*changed\s+(\d+)/m.exec(output);
    return m ? Number(m[1]) : undefined;
  }
  const counts = [...output.matchAll(/changed=(\d+)/g)].map((m) => Number(m[1]));
  return counts.length ? counts.reduce((a, b) => a + b, 0) : undefined;
}
