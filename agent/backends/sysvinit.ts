// SysV init (Debian): state from the init scripts' `status` and the runlevel's start links;
// actions run /etc/init.d/NAME with a clean environment, as service(8) does, and boot-time
// links are managed with update-rc.d.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostContext } from './context.ts';
import { CLEAN_ENV, initScript, sysvServicesFact, type ServiceState } from '../facts/services.ts';
import {
  batchedState,
  refreshState,
  resultOf,
  type ActionResult,
  type ServiceAction,
  type ServiceBackend,
} from './service-backend.ts';

/** The commands for an action, run in order until one fails. */
export function sysvArgv(action: ServiceAction, name: string, root: string): string[][] {
  const script = initScript(root, name);
  switch (action) {
    case 'enable':
      // `enable` only flips existing links: create them first when there are none.
      return [
        ['update-rc.d', name, 'defaults'],
        ['update-rc.d', name, 'enable'],
      ];
    case 'disable':
      return [['update-rc.d', name, 'disable']];
    case 'full-restart':
      return [
        [script, 'stop'],
        [script, 'start'],
      ];
    default:
      return [[script, action]];
  }
}

/**
 * Runs an init script action with its output going to a file rather than a pipe: a daemon
 * that keeps the descriptors it inherited would otherwise hold the pipe open forever.
 */
async function runDetached(argv: string[], ctx: HostContext): Promise<ActionResult> {
  const dir = await mkdtemp(join(tmpdir(), 'halite-svc-'));
  const out = join(dir, 'out');
  try {
    const r = await ctx.run(['/bin/sh', '-c', 'out=$1; shift; "$@" </dev/null >"$out" 2>&1', 'sh', out, ...argv], {
      cwd: '/',
      env: CLEAN_ENV,
      extendEnv: false,
      timeoutMs: 300_000,
    });
    const text = await readFile(out, 'utf8').catch(() => '');
    return resultOf({ ...r, stdout: text, stderr: r.code === 0 ? '' : text || r.stderr });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const sysvinit: ServiceBackend = {
  kind: 'sysvinit',
  async state(name: string, ctx: HostContext): Promise<ServiceState> {
    return batchedState(sysvServicesFact, name, ctx);
  },
  async run(action: ServiceAction, name: string, ctx: HostContext): Promise<ActionResult> {
    let res: ActionResult = { ok: true };
    for (const argv of sysvArgv(action, name, ctx.root)) {
      res = action === 'enable' || action === 'disable' ? resultOf(await ctx.run(argv)) : await runDetached(argv, ctx);
      if (!res.ok) break;
    }
    await refreshState(sysvServicesFact, name, ctx);
    return res;
  },
  async recheck(name: string, ctx: HostContext): Promise<ServiceState> {
    await refreshState(sysvServicesFact, name, ctx);
    return this.state(name, ctx);
  },
};
