// Service facts: whether each service of interest exists, runs and starts at boot, read in
// one batch (one `systemctl show` for every unit, or the init scripts' `status` in
// parallel). The key is the newline-joined list of names asked about together.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Fact, FactEnv } from './cache.ts';

export interface ServiceState {
  name: string;
  /** The unit or init script exists. */
  available: boolean;
  running: boolean;
  /** Starts at boot. */
  enabled: boolean;
  /** systemd: the unit file changed on disk since systemd loaded it. */
  needsDaemonReload?: boolean;
}

export type ServiceStates = Map<string, ServiceState>;

export const namesOf = (key: string): string[] => key.split('\n').filter(Boolean);
export const keyOf = (names: Iterable<string>): string => [...new Set(names)].sort().join('\n');

// ---- systemd

const UNIT_TYPES = [
  'service',
  'socket',
  'device',
  'mount',
  'automount',
  'swap',
  'target',
  'path',
  'timer',
  'slice',
  'scope',
];

/** Salt's canonical unit name: a bare name is a `.service`. */
export function unitName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 && UNIT_TYPES.includes(name.slice(dot + 1)) ? name : `${name}.service`;
}

/** UnitFileState values for which `systemctl is-enabled` succeeds. */
const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'static', 'alias', 'indirect', 'generated', 'transient']);
const RUNNING_STATES = new Set(['active', 'activating', 'reloading']);

export const SHOW_PROPERTIES = 'Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload';

/** Parses one `systemctl show` property block (KEY=VALUE lines). */
export function parseShowBlock(block: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return props;
}

export function unitState(name: string, props: Record<string, string>): ServiceState {
  const load = props.LoadState ?? 'not-found';
  return {
    name,
    available: load !== 'not-found' && load !== 'bad-setting' && load !== 'error',
    running: RUNNING_STATES.has(props.ActiveState ?? ''),
    enabled: ENABLED_STATES.has(props.UnitFileState ?? ''),
    needsDaemonReload: props.NeedDaemonReload === 'yes',
  };
}

/**
 * Parses `systemctl show -p … unit…` output: one block per unit, in the order asked,
 * separated by blank lines. Undefined when the blocks do not line up with the names.
 */
export function parseSystemctlShow(stdout: string, names: string[]): ServiceStates | undefined {
  const blocks = stdout
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  if (blocks.length !== names.length) return undefined;
  return new Map(names.map((n, i) => [n, unitState(n, parseShowBlock(blocks[i]))]));
}

async function show(names: string[], env: FactEnv): Promise<string | undefined> {
  const r = await env.run(['systemctl', 'show', '-p', SHOW_PROPERTIES, '--', ...names.map(unitName)]);
  return r.code === 0 ? r.stdout : undefined;
}

/** Raw per name: the show block text ('' when systemctl could not tell). */
export const systemdServicesFact: Fact<Record<string, string>, ServiceStates> = {
  name: 'services',
  async gather(key, env) {
    const names = namesOf(key);
    const all = names.length ? await show(names, env) : '';
    const blocks =
      all === undefined
        ? undefined
        : all
            .split(/\n\s*\n/)
            .map((b) => b.trim())
            .filter(Boolean);
    if (blocks && blocks.length === names.length) return Object.fromEntries(names.map((n, i) => [n, blocks[i]]));
    // One bad name makes systemctl refuse the whole batch: ask one by one.
    const one = await Promise.all(names.map(async (n) => [n, (await show([n], env)) ?? ''] as const));
    return Object.fromEntries(one);
  },
  parse: (raw, key) => new Map(namesOf(key).map((n) => [n, unitState(n, parseShowBlock(raw[n] ?? ''))])),
};

// ---- sysvinit

export interface SysvRaw {
  /** name → exit code of `/etc/init.d/NAME status`, or null when there is no such script. */
  status: Record<string, number | null>;
  /** File names in /etc/rc2.d (S01foo, K01bar…). */
  rcLinks: string[];
}

/** The runlevel whose links decide "enabled" (Debian's default multi-user runlevel). */
export const RUNLEVEL_DIR = '/etc/rc2.d';

export const initScript = (root: string, name: string): string => join(root, 'etc/init.d', name);

/** `status` runs with a clean environment, as service(8) does. */
export const CLEAN_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

async function isExecutable(path: string): Promise<boolean> {
  try {
    const st = await fsp.stat(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/** Enabled = a start link (S??NAME) in the runlevel directory, as Salt's debian_service sees it. */
export function sysvEnabled(name: string, rcLinks: string[]): boolean {
  return rcLinks.some((l) => /^S\d\d/.test(l) && l.slice(3) === name);
}

export function parseSysv(raw: SysvRaw, key: string): ServiceStates {
  return new Map(
    namesOf(key).map((n) => {
      const code = raw.status[n];
      return [
        n,
        {
          name: n,
          available: code !== null && code !== undefined,
          running: code === 0,
          enabled: sysvEnabled(n, raw.rcLinks),
        },
      ];
    }),
  );
}

export const sysvServicesFact: Fact<SysvRaw, ServiceStates> = {
  name: 'services',
  async gather(key, env) {
    const names = namesOf(key);
    const status: Record<string, number | null> = {};
    await Promise.all(
      names.map(async (n) => {
        const script = initScript(env.root, n);
        if (n.includes('/') || !(await isExecutable(script))) {
          status[n] = null;
          return;
        }
        const r = await env.run([script, 'status'], { cwd: '/', env: CLEAN_ENV, extendEnv: false, timeoutMs: 30_000 });
        status[n] = r.code;
      }),
    );
    let rcLinks: string[];
    try {
      rcLinks = await fsp.readdir(join(env.root, RUNLEVEL_DIR));
    } catch {
      rcLinks = [];
    }
    return { status, rcLinks };
  },
  parse: parseSysv,
};
