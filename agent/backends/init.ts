// Chooses the service manager: the `init` grain when it names one, else systemd when
// /run/systemd/system exists (systemd's own test), else SysV init.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostContext } from './context.ts';
import type { ServiceBackend } from './service-backend.ts';
import { systemd } from './systemd.ts';
import { sysvinit } from './sysvinit.ts';

export function detectInit(root: string, grain?: unknown): 'systemd' | 'sysvinit' {
  if (grain === 'systemd' || grain === 'sysvinit') return grain;
  return existsSync(join(root, 'run/systemd/system')) ? 'systemd' : 'sysvinit';
}

export function serviceBackend(ctx: HostContext): ServiceBackend {
  return detectInit(ctx.root, ctx.grains.init) === 'systemd' ? systemd : sysvinit;
}
