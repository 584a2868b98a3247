// The roster, roster.yaml: host id → address, login, level, roles, static grains.
// It is authoritative for identity: id, level and roles never come from the hosts themselves.
// Salt roster fields that mean the same are accepted (host, port, user, sudo, priv, priv_passwd, timeout);
// other Salt fields are ignored with a warning.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ErrorData } from '../../agent/errors.ts';
import type { HaliteConfig } from './halite-yaml.ts';
import { resolvePath } from './halite-yaml.ts';
import { FieldCheck, byLine } from './field-check.ts';
import { type JumpHost, readJump } from './jump-spec.ts';
import { isAddress, isPort, isPosixUser, isSafeToken } from './names.ts';
import { isPlainMap, parseYamlSource } from './yaml-source.ts';

export interface RosterHost {
  id: string;
  /** Address to connect to: hostname or IP literal. */
  host: string;
  port: number;
  user: string;
  sudo: boolean;
  level: string;
  roles: string[];
  /** Per-host jump host: undefined means the level's, null a direct connection. */
  jump?: JumpHost | null;
  /** Private key for this host (absolute path) instead of the configured one. */
  priv?: string;
  /** Line of `priv` in the roster file. */
  privLine?: number;
  /** The passphrase of `priv` (Salt's `priv_passwd`); never shown. */
  privPasswd?: string;
  /** Connection timeout in seconds for this host. */
  timeout?: number;
  /** Static grains; never contains id, level or roles. */
  grains: Record<string, unknown>;
  /** Line of the entry in the roster file. */
  line?: number;
}

/** An entry with errors: what of it can be read, for targeting, and its errors. */
export interface RejectedHost {
  id: string;
  /** Its level, or '' when it has no valid one. */
  level: string;
  /** Its role names that are valid names (known or not). */
  roles: string[];
  grains: Record<string, unknown>;
  line?: number;
  errors: ErrorData[];
}

export interface Roster {
  file: string;
  /** Valid entries, in file order. */
  hosts: RosterHost[];
  /** Every error: of the file itself (no `host`) and of its entries (with `host`). */
  errors: ErrorData[];
  warnings: ErrorData[];
  /** What only `halite lint` reports (YAML 1.1 booleans). */
  lintWarnings: ErrorData[];
  /** Entries with errors, in file order (their errors are in `errors` too). */
  rejected: RejectedHost[];
}

export interface RosterOptions {
  /** Known level names; empty accepts any safe token. */
  levels: readonly string[];
  /** Login defaults for entries that do not set them. */
  user: string;
  port: number;
  /** Role names that have a file in the roles directory; when given, any other role is an error. */
  roles?: readonly string[];
}

const FIELDS = ['host', 'port', 'user', 'sudo', 'level', 'roles', 'jump', 'grains', 'priv', 'priv_passwd', 'timeout'];
/** Salt roster fields that have no meaning here. */
const IGNORED = [
  'passwd',
  'sudo_user',
  'tty',
  'minion_opts',
  'thin_dir',
  'cmd_umask',
  'ssh_options',
  'ssh_pre_flight',
  'ssh_pre_flight_args',
  'set_path',
];
/** Grains the roster sets from its own fields. */
export const IDENTITY_GRAINS = ['id', 'level', 'roles'];

const TOKEN_RULE = 'letters, digits, ".", "_" or "-", not starting with "-" or "."';

export function parseRoster(text: string, file: string, opts: RosterOptions): Roster {
  const src = parseYamlSource(text, file, 'ROSTER');
  if (src.errors.length) return { file, hosts: [], errors: src.errors, warnings: [], lintWarnings: [], rejected: [] };
  const top = new FieldCheck(src, 'ROSTER');
  const data = src.data ?? {};
  if (!isPlainMap(data)) {
    top.expected([], 'a map of host id to host settings', data);
    return { file, hosts: [], errors: top.errors, warnings: [], lintWarnings: [], rejected: [] };
  }
  const hosts: RosterHost[] = [];
  const rejected: RejectedHost[] = [];
  for (const [id, entry] of Object.entries(data)) {
    const before = top.errors.length;
    const line = src.lineOf([id]);
    const host = readHost(top.forHost([id], id), id, entry, opts, dirname(file));
    if (host) hosts.push({ ...host, line, ...(host.priv ? { privLine: src.lineOf([id, 'priv']) } : {}) });
    else
      rejected.push({
        ...readable(entry),
        id,
        ...(line !== undefined ? { line } : {}),
        errors: byLine(top.errors.slice(before)),
      });
  }
  return {
    file,
    hosts,
    errors: top.sortedErrors(),
    warnings: top.sortedWarnings(),
    lintWarnings: top.sortedLintWarnings(),
    rejected,
  };
}

/** What targeting can use of an entry with errors: a valid level, valid role names, grains. */
function readable(entry: unknown): Pick<RejectedHost, 'level' | 'roles' | 'grains'> {
  const e = isPlainMap(entry) ? entry : {};
  return {
    level: isSafeToken(e.level) ? e.level : '',
    roles: Array.isArray(e.roles) ? e.roles.filter(isSafeToken) : [],
    grains: isPlainMap(e.grains) ? e.grains : {},
  };
}

function readHost(
  check: FieldCheck,
  id: string,
  entry: unknown,
  opts: RosterOptions,
  dir: string,
): RosterHost | undefined {
  const before = check.errors.length;
  if (!isSafeToken(id)) check.error([], `host id ${JSON.stringify(id)} is not valid: use ${TOKEN_RULE}`);
  if (!isPlainMap(entry)) {
    check.expected([], 'a map of host settings (host, level, roles, ...)', entry);
    return undefined;
  }
  for (const k of Object.keys(entry)) {
    if (IGNORED.includes(k)) check.warn([k], 'Salt roster field not used by halite; ignored');
    else if (!FIELDS.includes(k)) check.error([k], `unknown field (expected one of: ${FIELDS.join(', ')})`);
  }

  const { host: address, port = opts.port, user = opts.user, sudo = false, level, roles = [], grains = {} } = entry;
  if (address === undefined) check.error(['host'], 'required: the address to connect to');
  else if (!isAddress(address)) check.expected(['host'], 'a hostname or IP address', address);
  if (!isPort(port)) check.expected(['port'], 'an integer from 1 to 65535', port);
  if (!isPosixUser(user)) check.expected(['user'], 'a POSIX user name', user);
  const sudoFlag = check.flag(['sudo'], sudo);

  if (level === undefined)
    check.error(['level'], `required${opts.levels.length ? ` (one of: ${opts.levels.join(', ')})` : ''}`);
  else if (!isSafeToken(level)) check.expected(['level'], `a level name (${TOKEN_RULE})`, level);
  else if (opts.levels.length && !opts.levels.includes(level)) {
    check.error(
      ['level'],
      `unknown level ${JSON.stringify(level)} (the configuration knows: ${opts.levels.join(', ')})`,
    );
  }

  if (!Array.isArray(roles)) check.expected(['roles'], 'a list of role names', roles);
  else {
    for (const [i, r] of roles.entries()) {
      if (!isSafeToken(r)) check.expected(['roles', i], `a role name (${TOKEN_RULE})`, r);
      else if (opts.roles && !opts.roles.includes(r))
        check.error(['roles', i], `no role named '${r}' (roles: ${[...opts.roles].sort().join(', ') || 'none'})`);
    }
  }

  if (!isPlainMap(grains)) check.expected(['grains'], 'a map of static grains', grains);
  else {
    for (const k of IDENTITY_GRAINS)
      if (k in grains)
        check.error(['grains', k], `set by the roster itself; use the ${k === 'id' ? 'host id' : `'${k}' field`}`);
  }

  const out: RosterHost = {
    id,
    host: address as string,
    port: port as number,
    user: user as string,
    sudo: sudoFlag ?? false,
    level: level as string,
    roles: roles as string[],
    grains: grains as Record<string, unknown>,
  };
  if (entry.jump !== undefined) {
    const jump = readJump(check, ['jump'], entry.jump, { user: opts.user, port: opts.port });
    if (jump !== undefined) out.jump = jump;
  }
  if (entry.priv !== undefined) {
    if (typeof entry.priv === 'string' && entry.priv) out.priv = resolvePath(dir, entry.priv);
    else check.expected(['priv'], 'a path to a private key', entry.priv);
  }
  if (entry.priv_passwd !== undefined) {
    // the value itself is never quoted back
    if (typeof entry.priv_passwd !== 'string' || !entry.priv_passwd)
      check.error(['priv_passwd'], 'expected the passphrase of priv as a string');
    else if (entry.priv === undefined)
      check.error(
        ['priv_passwd'],
        "the passphrase of this entry's priv key, which it does not set (the passphrase of ssh.key comes from HALITE_SSH_PASSPHRASE)",
      );
    else out.privPasswd = entry.priv_passwd;
  }
  if (entry.timeout !== undefined) {
    if (typeof entry.timeout === 'number' && entry.timeout > 0 && Number.isFinite(entry.timeout))
      out.timeout = entry.timeout;
    else check.expected(['timeout'], 'a positive number of seconds', entry.timeout);
  }
  return check.errors.length > before ? undefined : out;
}

/** Reads the roster named by the configuration; with `roles`, role names must be among them. */
export function loadRoster(config: HaliteConfig, roles?: readonly string[]): Roster {
  let text: string;
  try {
    text = readFileSync(config.roster, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    return {
      file: config.roster,
      hosts: [],
      errors: [{ code: 'ROSTER', message: `cannot read roster: ${reason}`, file: config.roster }],
      warnings: [],
      lintWarnings: [],
      rejected: [],
    };
  }
  return parseRoster(text, config.roster, {
    levels: Object.keys(config.levels),
    user: config.ssh.user,
    port: config.ssh.port,
    ...(roles ? { roles } : {}),
  });
}

/** The jump host used to reach `host`: its own setting, else its level's; null for direct. */
export function jumpFor(host: RosterHost, config: HaliteConfig): JumpHost | null {
  if (host.jump !== undefined) return host.jump;
  return config.levels[host.level]?.jump ?? null;
}

/** Valid and rejected entries together, in file order: what a job's targeting chooses from. */
export function rosterEntries(roster: Roster): (RosterHost | RejectedHost)[] {
  return [...roster.hosts, ...roster.rejected].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

export function isRejected(entry: RosterHost | RejectedHost): entry is RejectedHost {
  return 'errors' in entry;
}
