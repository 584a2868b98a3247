// The master configuration, halite.yaml: where the trees, roster and keys are, jump hosts per level.
// Relative paths resolve against the directory of the configuration file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ErrorData } from '../../agent/errors.ts';
import { FieldCheck } from './field-check.ts';
import { type FileRoots, readFileRoots } from './file-roots.ts';
import { DEFAULT_HOST_LIMITS, type HostLimits, parseSize } from './host-limits.ts';
import { type JumpHost, readJump } from './jump-spec.ts';
import { isPort, isPosixUser, isSafeToken } from './names.ts';
import { type ScheduleSpec, readSchedules } from './schedules.ts';
import { locateConfig } from './config-location.ts';
import { isPlainMap, parseYamlSource } from './yaml-source.ts';

export interface SshConfig {
  /** Private key used for every host unless the roster names another (`priv`). */
  key: string;
  /** Line of `ssh.key` in the configuration file; absent when the default is used. */
  keyLine?: number;
  /** Pinned host keys (OpenSSH known_hosts format). */
  knownHosts: string;
  /** Defaults for roster entries that do not set them. */
  user: string;
  port: number;
  /** Seconds to wait for a connection. */
  connectTimeout: number;
  /** Seconds the connection keeper holds a command's connections for the next one (0: none). */
  persist: number;
  /** Accept hosts that sign only with SHA-1 `ssh-rsa` (refused by default; a warning when set). */
  allowSha1: boolean;
  /** `ssh.agent`: true offers the ssh-agent's keys too, false never; unset uses the agent when ssh.key is not set. */
  agent?: boolean;
  /** The ssh-agent to log in with ($SSH_AUTH_SOCK), when it is to be used. */
  agentSocket?: string;
  /** The passphrase of the private keys ($HALITE_SSH_PASSPHRASE); a roster entry's priv_passwd wins for its priv. */
  passphrase?: string;
}

/** Days finished jobs are kept when `jobs.keep_days` is not set. */
export const DEFAULT_KEEP_DAYS = 30;

export interface LevelConfig {
  /** Jump host for every host of the level; null for direct connections. */
  jump: JumpHost | null;
}

export interface HaliteConfig {
  /** The file read, or null when built-in defaults are used. */
  file: string | null;
  /** Directory relative paths were resolved against. */
  dir: string;
  states: string;
  /** Salt's file_roots: saltenv → state directories in search order; absent: `states` is base. */
  fileRoots?: FileRoots;
  pillar: string;
  privatePillar: string;
  roles: string;
  roster: string;
  jobsDb: string;
  ssh: SshConfig;
  /** Known levels; empty means any safe token is accepted in the roster. */
  levels: Record<string, LevelConfig>;
  /** Hosts worked on at the same time. */
  concurrency: number;
  /** Seconds an agent stays resident on its VM after a job, for the next one (0: it exits). */
  agentLinger: number;
  /**
   * How long a host's run may take and how much it may send (host_timeout, host_idle_timeout,
   * host_max_line, host_max_output).
   */
  hostLimits: HostLimits;
  /** Job history retention (`jobs.keep_days`, `jobs.keep_count`); applied after each job and by the daemon. */
  jobs: { keepDays: number; keepCount: number | null };
  /** Runs `halite serve` starts on its own (`schedules`). */
  schedules: ScheduleSpec[];
  /**
   * Salt's state_auto_order (default true): states without `order` run in the order they are
   * written; false: in the order of their state, name and function (requisites first either way).
   */
  stateAutoOrder: boolean;
}

const PATH_KEYS = {
  states: 'states',
  pillar: 'pillar',
  private_pillar: 'privatePillar',
  roles: 'roles',
  roster: 'roster',
  jobs_db: 'jobsDb',
} as const;

const DEFAULT_PATHS: Record<keyof typeof PATH_KEYS, string> = {
  states: 'states',
  pillar: 'pillar',
  private_pillar: 'pillar-private',
  roles: 'roles',
  roster: 'roster.yaml',
  jobs_db: 'var/jobs.sqlite',
};

const isPathString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isSize = (v: unknown): v is number | string => parseSize(v) !== undefined;
const isSeconds = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 86_400;

/** Ten minutes: a schedule or an operator's next run finds the agent warm; an idle VM gets its memory back. */
export const DEFAULT_AGENT_LINGER = 600;

const TOP_KEYS = [
  ...Object.keys(PATH_KEYS),
  'ssh',
  'levels',
  'concurrency',
  'agent_linger',
  'host_timeout',
  'host_idle_timeout',
  'host_max_line',
  'host_max_output',
  'jobs',
  'schedules',
  'state_auto_order',
  'file_roots',
];
const JOBS_KEYS = ['keep_days', 'keep_count'];
const SSH_KEYS = ['key', 'known_hosts', 'user', 'port', 'connect_timeout', 'persist', 'allow_sha1', 'agent'];

/** A minute, as OpenSSH's ControlPersist is commonly set: enough for the next command of an operator. */
export const DEFAULT_SSH_PERSIST = 60;

/** Resolves `~/…` against the home directory and relative paths against `dir`. */
export function resolvePath(dir: string, p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(dir, p);
}

export function defaultConfig(dir: string): HaliteConfig {
  return {
    file: null,
    dir,
    states: resolvePath(dir, DEFAULT_PATHS.states),
    pillar: resolvePath(dir, DEFAULT_PATHS.pillar),
    privatePillar: resolvePath(dir, DEFAULT_PATHS.private_pillar),
    roles: resolvePath(dir, DEFAULT_PATHS.roles),
    roster: resolvePath(dir, DEFAULT_PATHS.roster),
    jobsDb: resolvePath(dir, DEFAULT_PATHS.jobs_db),
    ssh: {
      key: resolvePath(dir, '~/.ssh/id_ed25519'),
      knownHosts: resolvePath(dir, '~/.ssh/known_hosts'),
      user: 'root',
      port: 22,
      connectTimeout: 10,
      persist: DEFAULT_SSH_PERSIST,
      allowSha1: false,
    },
    levels: {},
    concurrency: 8,
    agentLinger: DEFAULT_AGENT_LINGER,
    hostLimits: { ...DEFAULT_HOST_LIMITS },
    jobs: { keepDays: DEFAULT_KEEP_DAYS, keepCount: null },
    schedules: [],
    stateAutoOrder: true,
  };
}

export interface ConfigResult {
  config: HaliteConfig;
  errors: ErrorData[];
  /** What only `halite lint` reports (YAML 1.1 booleans). */
  lintWarnings?: ErrorData[];
}

/** Validates the text of a configuration file; `file` is its absolute path. */
export function parseConfig(text: string, file: string): ConfigResult {
  const dir = dirname(file);
  const config = { ...defaultConfig(dir), file };
  const src = parseYamlSource(text, file, 'CONFIG');
  if (src.errors.length) return { config, errors: src.errors };
  const check = new FieldCheck(src, 'CONFIG');
  const data = src.data ?? {};
  if (!isPlainMap(data)) {
    check.expected([], 'a map of settings', data);
    return { config, errors: check.errors };
  }
  check.unknownKeys([], data, TOP_KEYS);

  for (const [key, field] of Object.entries(PATH_KEYS)) {
    const v = data[key];
    if (v === undefined) continue;
    if (isPathString(v)) config[field] = resolvePath(dir, v);
    else check.expected([key], 'a path', v);
  }

  const roots = readFileRoots(check, data.file_roots, (p) => resolvePath(dir, p), data.states !== undefined);
  if (roots) config.fileRoots = roots;

  const take = <T>(
    path: string[],
    v: unknown,
    ok: (v: unknown) => v is T,
    expected: string,
    apply: (v: T) => void,
  ): void => {
    if (v === undefined) return;
    if (ok(v)) apply(v);
    else check.expected(path, expected, v);
  };

  const ssh = { ...config.ssh };
  if (data.ssh !== undefined && !isPlainMap(data.ssh)) check.expected(['ssh'], 'a map', data.ssh);
  else if (data.ssh !== undefined) {
    const s = data.ssh;
    check.unknownKeys(['ssh'], s, SSH_KEYS);
    take(['ssh', 'key'], s.key, isPathString, 'a path', (v) => {
      ssh.key = resolvePath(dir, v);
      ssh.keyLine = src.lineOf(['ssh', 'key']);
    });
    take(['ssh', 'known_hosts'], s.known_hosts, isPathString, 'a path', (v) => (ssh.knownHosts = resolvePath(dir, v)));
    take(['ssh', 'user'], s.user, isPosixUser, 'a POSIX user name', (v) => (ssh.user = v));
    take(['ssh', 'port'], s.port, isPort, 'an integer from 1 to 65535', (v) => (ssh.port = v));
    take(
      ['ssh', 'connect_timeout'],
      s.connect_timeout,
      isPositive,
      'a positive number of seconds',
      (v) => (ssh.connectTimeout = v),
    );
    take(
      ['ssh', 'persist'],
      s.persist,
      isSeconds,
      'a whole number of seconds from 0 to 86400',
      (v) => (ssh.persist = v),
    );
    if (s.allow_sha1 !== undefined) ssh.allowSha1 = check.flag(['ssh', 'allow_sha1'], s.allow_sha1) ?? false;
    if (s.agent !== undefined) {
      const agent = check.flag(['ssh', 'agent'], s.agent);
      if (agent !== undefined) ssh.agent = agent;
    }
  }
  config.ssh = ssh;

  if (data.levels !== undefined && !isPlainMap(data.levels))
    check.expected(['levels'], 'a map of level name to settings', data.levels);
  else if (data.levels !== undefined) {
    for (const [name, lv] of Object.entries(data.levels)) {
      if (!isSafeToken(name))
        check.error(
          ['levels', name],
          'a level name must be letters, digits, ".", "_" or "-", not starting with "-" or "."',
        );
      const settings = lv ?? {};
      if (!isPlainMap(settings)) {
        check.expected(['levels', name], 'a map {jump}', lv);
        continue;
      }
      check.unknownKeys(['levels', name], settings, ['jump']);
      const jump = readJump(check, ['levels', name, 'jump'], settings.jump ?? null, ssh);
      config.levels[name] = { jump: jump ?? null };
    }
  }

  take(['concurrency'], data.concurrency, isPositiveInt, 'a positive integer', (v) => (config.concurrency = v));
  take(
    ['agent_linger'],
    data.agent_linger,
    isSeconds,
    'a whole number of seconds from 0 to 86400',
    (v) => (config.agentLinger = v),
  );
  const limits = { ...config.hostLimits };
  take(
    ['host_timeout'],
    data.host_timeout,
    isSeconds,
    'a whole number of seconds from 0 (no limit) to 86400',
    (v) => (limits.timeout = v),
  );
  take(
    ['host_idle_timeout'],
    data.host_idle_timeout,
    isSeconds,
    'a whole number of seconds from 0 (no limit) to 86400',
    (v) => (limits.idleTimeout = v),
  );
  take(
    ['host_max_line'],
    data.host_max_line,
    isSize,
    'a size: bytes, or a number with KiB, MiB or GiB',
    (v) => (limits.maxLine = parseSize(v)!),
  );
  take(
    ['host_max_output'],
    data.host_max_output,
    isSize,
    'a size: bytes, or a number with KiB, MiB or GiB',
    (v) => (limits.maxOutput = parseSize(v)!),
  );
  config.hostLimits = limits;
  if (data.jobs !== undefined && !isPlainMap(data.jobs))
    check.expected(['jobs'], 'a map {keep_days, keep_count}', data.jobs);
  else if (data.jobs !== undefined) {
    const j = data.jobs;
    check.unknownKeys(['jobs'], j, JOBS_KEYS);
    const jobs = { ...config.jobs };
    take(['jobs', 'keep_days'], j.keep_days, isPositive, 'a positive number of days', (v) => (jobs.keepDays = v));
    take(['jobs', 'keep_count'], j.keep_count, isPositiveInt, 'a positive integer', (v) => (jobs.keepCount = v));
    config.jobs = jobs;
  }
  config.schedules = readSchedules(check, data.schedules, Object.keys(config.levels), src.lineOf);
  if (data.state_auto_order !== undefined) {
    const order = check.flag(['state_auto_order'], data.state_auto_order);
    if (order !== undefined) config.stateAutoOrder = order;
  }
  return { config, errors: check.sortedErrors(), lintWarnings: check.sortedLintWarnings() };
}

/** Reads and validates the configuration; built-in defaults (relative to cwd) when no file is found. */
export function loadConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ConfigResult {
  const loc = locateConfig(flag, env, cwd);
  if (!loc.explicit && !existsSync(loc.path)) return withLogin({ config: defaultConfig(cwd), errors: [] }, env);
  let text: string;
  try {
    text = readFileSync(loc.path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return {
      config: defaultConfig(dirname(loc.path)),
      errors: [{ code: 'CONFIG', message: `cannot read configuration: ${reason}`, file: loc.path }],
    };
  }
  return withLogin(parseConfig(text, loc.path), env);
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * The login the environment gives: $HALITE_SSH_PASSPHRASE for encrypted keys, and $SSH_AUTH_SOCK when
 * `ssh.agent` is true, or unset while `ssh.key` is not set (OpenSSH's habit: the agent first).
 */
function withLogin(r: ConfigResult, env: NodeJS.ProcessEnv): ConfigResult {
  const ssh = r.config.ssh;
  const sock = env.SSH_AUTH_SOCK;
  const wanted = ssh.agent ?? ssh.keyLine === undefined;
  // a stale SSH_AUTH_SOCK is passed over, as OpenSSH does, unless the agent was asked for
  const live = sock !== undefined && sock !== '' && isSocket(sock);
  if (wanted && live) ssh.agentSocket = sock;
  else if (ssh.agent === true && r.config.file)
    r.errors.push({
      code: 'CONFIG',
      message: sock
        ? `ssh.agent: true, but no ssh-agent is reachable: SSH_AUTH_SOCK names ${sock}, which is not a socket`
        : 'ssh.agent: true, but no ssh-agent is reachable: SSH_AUTH_SOCK is not set',
      file: r.config.file,
    });
  if (env.HALITE_SSH_PASSPHRASE) ssh.passphrase = env.HALITE_SSH_PASSPHRASE;
  return r;
}
