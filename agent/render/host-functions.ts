// Execution functions templates call that look at the host itself: `salt['cmd.run']`,
// `salt['file.file_exists']`, `salt['network.ip_addrs']`… They exist only when the agent renders
// the states on their host — never while the master compiles pillar or shows a host's states —
// and a render that called one is not kept in the compile cache (its result depends on the host).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { type KwArgs, pyFunction } from './pyargs.ts';
import { pyBool, pyStr } from './pyvalue.ts';
import { HOST_LOOKUPS, hostLookups } from './host-lookups.ts';

/** The names, for the master's message when a template calls one there. */
export const HOST_FUNCTIONS = [
  'cmd.run',
  'cmd.shell',
  'cmd.run_stdout',
  'cmd.run_stderr',
  'cmd.retcode',
  'cmd.run_all',
  'file.file_exists',
  'file.directory_exists',
  'file.exists',
  'network.ip_addrs',
  'network.ip_addrs6',
  'network.interface_ip',
  'network.interfaces',
  ...HOST_LOOKUPS,
] as const;

export interface HostFunctionOptions {
  /** The filesystem root paths are read under ('/' on a host). */
  root: string;
  /** Called whenever one of these functions runs. */
  used(): void;
  /** Called with the exit code of each command a cmd.* function runs (Salt's context retcode). */
  retcode?(code: number): void;
}

const CMD_PARAMS = [
  'cmd',
  'cwd',
  'stdin',
  'runas',
  'shell',
  'python_shell',
  'env',
  'clean_env',
  'rstrip',
  'umask',
  'output_encoding',
  'output_loglevel',
  'log_callback',
  'hide_output',
  'timeout',
  'reset_system_locale',
  'ignore_retcode',
  'saltenv',
  'use_vt',
  'bg',
  'password',
  'encoded_cmd',
  'raise_err',
  'prepend_path',
  'success_retcodes',
  'success_stdout',
  'success_stderr',
];
const CMD_DEFAULTS: KwArgs = Object.fromEntries(CMD_PARAMS.slice(1).map((p) => [p, null]));
CMD_DEFAULTS.rstrip = true;
/** Arguments of Salt's cmd functions that change what runs: refused here rather than ignored. */
const CMD_REFUSED = ['runas', 'umask', 'password', 'prepend_path', 'bg', 'use_vt', 'encoded_cmd'];

interface Ran {
  stdout: string;
  stderr: string;
  retcode: number;
}

function runLine(name: string, a: KwArgs): Ran {
  for (const k of CMD_REFUSED)
    if (a[k] !== null && a[k] !== undefined && a[k] !== false)
      throw new Error(`${name}: argument '${k}' is not supported here`);
  const env =
    a.env && typeof a.env === 'object'
      ? Object.fromEntries(Object.entries(a.env as Record<string, unknown>).map(([k, v]) => [k, pyStr(v)]))
      : {};
  const timeout = a.timeout === null || a.timeout === undefined ? undefined : Number(a.timeout);
  // the line goes to the shell on stdin, never in argv (agent/process/shell-line.ts)
  const input = a.stdin === null || a.stdin === undefined ? pyStr(a.cmd) : undefined;
  const argv = input === undefined ? ['-c', pyStr(a.cmd)] : ['-s'];
  const r = spawnSync(a.shell ? pyStr(a.shell) : '/bin/sh', argv, {
    cwd: a.cwd ? pyStr(a.cwd) : '/',
    input: input ?? pyStr(a.stdin),
    env: pyBool(a.clean_env) ? env : { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    ...(timeout && timeout > 0 ? { timeout: timeout * 1000 } : {}),
  });
  if (r.error) throw new Error(`${name}: ${r.error.message}`);
  const retcode = r.status ?? 1;
  if (pyBool(a.raise_err) && retcode !== 0) throw new Error(`${name}: the command exited with ${retcode}`);
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', retcode };
}

const trimmed = (text: string, a: KwArgs): string => (pyBool(a.rstrip) ? text.replace(/\s+$/, '') : text);

function addresses(family: 'IPv4' | 'IPv6', a: KwArgs): string[] {
  const out: string[] = [];
  for (const [iface, list] of Object.entries(networkInterfaces())) {
    if (a.interface !== null && a.interface !== undefined && pyStr(a.interface) !== iface) continue;
    for (const addr of list ?? []) {
      if (addr.family !== family) continue;
      if (addr.internal && !pyBool(a.include_loopback)) continue;
      out.push(addr.address);
    }
  }
  return out;
}

export function hostFunctions(o: HostFunctionOptions): Record<string, (...args: unknown[]) => unknown> {
  const path = (p: unknown): string => join(o.root, pyStr(p));
  const kind = (p: unknown): 'file' | 'dir' | undefined => {
    try {
      const s = statSync(path(p));
      return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
    } catch {
      return undefined;
    }
  };
  const cmd = (name: string, pick: (r: Ran, a: KwArgs) => unknown) =>
    pyFunction({ name, params: CMD_PARAMS, defaults: CMD_DEFAULTS, varKw: true }, (a) => {
      o.used();
      const ran = runLine(name, a);
      o.retcode?.(pyBool(a.ignore_retcode) ? 0 : ran.retcode);
      return pick(ran, a);
    });
  const fn = (name: string, params: string[], defaults: KwArgs, impl: (a: KwArgs) => unknown) =>
    pyFunction({ name, params, defaults }, (a) => {
      o.used();
      return impl(a);
    });
  const ipParams = ['interface', 'include_loopback', 'cidr', 'type'];
  const ipDefaults = { interface: null, include_loopback: false, cidr: null, type: null };
  return {
    ...hostLookups(o.root, fn),
    // cmd.run returns what the command printed, standard error included, as Salt's does
    'cmd.run': cmd('cmd.run', (r, a) => trimmed(r.stdout + r.stderr, a)),
    'cmd.shell': cmd('cmd.shell', (r, a) => trimmed(r.stdout + r.stderr, a)),
    'cmd.run_stdout': cmd('cmd.run_stdout', (r, a) => trimmed(r.stdout, a)),
    'cmd.run_stderr': cmd('cmd.run_stderr', (r, a) => trimmed(r.stderr, a)),
    'cmd.retcode': cmd('cmd.retcode', (r) => r.retcode),
    'cmd.run_all': cmd('cmd.run_all', (r, a) => ({
      stdout: trimmed(r.stdout, a),
      stderr: trimmed(r.stderr, a),
      retcode: r.retcode,
      pid: 0,
    })),
    'file.file_exists': fn('file.file_exists', ['path'], {}, (a) => kind(a.path) === 'file'),
    'file.directory_exists': fn('file.directory_exists', ['path'], {}, (a) => kind(a.path) === 'dir'),
    'file.exists': fn('file.exists', ['path'], {}, (a) => kind(a.path) !== undefined),
    'network.ip_addrs': fn('network.ip_addrs', ipParams, ipDefaults, (a) => addresses('IPv4', a)),
    'network.ip_addrs6': fn('network.ip_addrs6', ipParams, ipDefaults, (a) => addresses('IPv6', a)),
    'network.interface_ip': fn(
      'network.interface_ip',
      ['iface'],
      {},
      (a) => addresses('IPv4', { interface: a.iface, include_loopback: true })[0] ?? '',
    ),
    'network.interfaces': fn('network.interfaces', [], {}, () =>
      Object.fromEntries(
        Object.entries(networkInterfaces()).map(([n, l]) => [
          n,
          {
            up: true,
            hwaddr: l?.[0]?.mac ?? '',
            inet: (l ?? [])
              .filter((x) => x.family === 'IPv4')
              .map((x) => ({ address: x.address, netmask: x.netmask, label: n })),
            inet6: (l ?? [])
              .filter((x) => x.family === 'IPv6')
              .map((x) => ({ address: x.address, prefixlen: String(x.cidr?.split('/')[1] ?? '') })),
          },
        ]),
      ),
    ),
  };
}
