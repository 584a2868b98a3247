// A handle on a fleet that is up: its hosts, the files an ssh client needs, and ways to run
// commands on hosts. Built from the fleet's state, so any process can attach to a fleet.
import { dirname } from 'node:path';
import { REPO_MOUNT } from './base.ts';
import { down } from './down.ts';
import { FleetError } from './errors.ts';
import { nsenterExec, sshArgv, sshExec, type ExecOptions } from './exec.ts';
import type { HostPlan } from './plan.ts';
import { isRunning, killIfRunning, waitGone } from './proc.ts';
import type { RunResult } from './run.ts';
import type { FleetState } from './state.ts';

export interface FleetHost {
  id: string;
  kind: 'jump' | 'role';
  roles: string[];
  level?: string;
  /** Where ssh reaches the host: the jump from the master, a role host from the jump. */
  address: string;
  port: number;
  user: 'root';
  /** The host's address on the internal network (for the jump: its second interface). */
  internalAddress: string;
  /** The host's init (PID 1 of its pid namespace) as seen from the master. */
  pid: number;
  /** Its network namespace, for `ip -n`. */
  netns: string;
}

export interface HostStatus {
  id: string;
  kind: 'jump' | 'role';
  address: string;
  running: boolean;
  /** sshd answered a login through the fleet's ssh_config. */
  sshd: boolean;
  error?: string;
}

export class Fleet {
  readonly name: string;
  readonly stateDir: string;
  readonly jump: FleetHost;
  readonly hosts: FleetHost[];
  /** The master's private key; the public half is in every host's /root/.ssh/authorized_keys. */
  readonly sshKey: string;
  /** Pins every host's key, by id and by address. */
  readonly knownHosts: string;
  /** `ssh -F <sshConfig> <host id>` reaches any host, role hosts through the jump (ProxyJump). */
  readonly sshConfig: string;
  readonly network: { external: string; internal: string; master: string };
  /** The package repository: its directory on the master and where hosts mount it. */
  readonly repo: { path: string; mount: string; aptSource: string };
  readonly #state: FleetState;

  constructor(state: FleetState) {
    this.#state = state;
    const host = (h: HostPlan): FleetHost => ({
      id: h.id,
      kind: h.kind,
      roles: [...h.roles],
      ...(h.level !== undefined ? { level: h.level } : {}),
      address: h.address,
      port: h.port,
      user: 'root',
      internalAddress: h.internalAddress,
      pid: state.processes[h.id]?.initPid ?? 0,
      netns: h.netns,
    });
    this.name = state.plan.name;
    this.stateDir = state.stateDir;
    this.jump = host(state.plan.jump);
    this.hosts = state.plan.hosts.map(host);
    this.sshKey = state.sshKey;
    this.knownHosts = state.knownHosts;
    this.sshConfig = state.sshConfig;
    this.network = {
      external: state.plan.external.subnet,
      internal: state.plan.internal.subnet,
      master: state.plan.external.master,
    };
    this.repo = { path: state.repo, mount: REPO_MOUNT, aptSource: `deb [trusted=yes] file:${REPO_MOUNT} ./` };
  }

  /** The jump host or a role host, by id. */
  host(id: string | FleetHost): FleetHost {
    const key = typeof id === 'string' ? id : id.id;
    const found = key === this.jump.id ? this.jump : this.hosts.find((h) => h.id === key);
    if (!found) throw new FleetError(`no host "${key}" in fleet "${this.name}"`, { step: 'exec', host: key });
    return found;
  }

  /** Whether the host's init is alive (not exited, not a zombie, not a recycled pid). */
  isRunning(id: string | FleetHost): boolean {
    const p = this.#state.processes[this.host(id).id];
    return p !== undefined && isRunning(p.initPid, p.initStartTime);
  }

  /**
   * Destroys one role host as a VM is destroyed: its init is killed, which ends every process of
   * the host, so nothing answers at its address any more. The rest of the fleet stays up; `down`
   * removes what is left of it.
   */
  async destroy(id: string | FleetHost): Promise<void> {
    const h = this.host(id);
    if (h.kind === 'jump')
      throw new FleetError('the jump host cannot be destroyed alone', { step: 'destroy', host: h.id });
    const p = this.#state.processes[h.id];
    if (!p || !killIfRunning(p.initPid, p.initStartTime)) return;
    const alive = await waitGone([{ pid: p.initPid, startTime: p.initStartTime }], 10_000);
    if (alive.length) throw new FleetError("the host's init survived SIGKILL", { step: 'destroy', host: h.id });
  }

  /** Runs argv as root inside the host's namespaces (no ssh). Rejects on failure unless reject: false. */
  exec(id: string | FleetHost, argv: readonly string[], opts?: ExecOptions): Promise<RunResult> {
    const h = this.host(id);
    if (!this.isRunning(h)) throw new FleetError(`host is not running`, { step: 'exec', host: h.id, command: argv });
    return nsenterExec(h.id, h.pid, argv, opts);
  }

  /** Runs argv on the host through the system ssh client, as the master reaches it. */
  ssh(id: string | FleetHost, argv: readonly string[], opts?: Omit<ExecOptions, 'env'>): Promise<RunResult> {
    return sshExec(this.host(id).id, this.sshConfig, argv, opts);
  }

  /** The ssh command line for a host (and optionally a remote command), for other tools to spawn. */
  sshArgv(id: string | FleetHost, argv: readonly string[] = []): string[] {
    return sshArgv(this.sshConfig, this.host(id).id, argv);
  }

  async status(): Promise<HostStatus[]> {
    return Promise.all(
      [this.jump, ...this.hosts].map(async (h) => {
        const running = this.isRunning(h);
        if (!running) return { id: h.id, kind: h.kind, address: h.address, running, sshd: false };
        const res = await this.ssh(h, ['true'], { reject: false, timeoutMs: 15_000 });
        const error = res.exitCode === 0 ? undefined : res.stderr.trim() || `ssh exit code ${res.exitCode}`;
        return {
          id: h.id,
          kind: h.kind,
          address: h.address,
          running,
          sshd: res.exitCode === 0,
          ...(error ? { error } : {}),
        };
      }),
    );
  }

  /**
   * The role hosts as roster.yaml entries (id → host, port, user, level, roles, jump, priv), for
   * writing a roster that points the master at this fleet.
   */
  roster(): Record<
    string,
    {
      host: string;
      port: number;
      user: string;
      level?: string;
      roles: string[];
      jump: { host: string; port: number; user: string };
      priv: string;
    }
  > {
    const jump = { host: this.jump.address, port: this.jump.port, user: this.jump.user };
    return Object.fromEntries(
      this.hosts.map((h) => [
        h.id,
        {
          host: h.address,
          port: h.port,
          user: h.user,
          ...(h.level !== undefined ? { level: h.level } : {}),
          roles: [...h.roles],
          jump: { ...jump },
          priv: this.sshKey,
        },
      ]),
    );
  }

  /** Takes the fleet down; see down.ts. */
  async down(): Promise<void> {
    await down(this.name, { stateRoot: dirname(this.stateDir) });
  }

  toJSON() {
    return {
      name: this.name,
      stateDir: this.stateDir,
      jump: this.jump,
      hosts: this.hosts,
      sshKey: this.sshKey,
      knownHosts: this.knownHosts,
      sshConfig: this.sshConfig,
      network: this.network,
      repo: this.repo,
    };
  }
}
