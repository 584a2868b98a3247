// systemd: state from one `systemctl show` for all units of interest; actions via systemctl.
import type { HostContext } from './context.ts';
import { systemdServicesFact, unitName, type ServiceState } from '../facts/services.ts';
import {
  batchedState,
  refreshState,
  resultOf,
  type ActionResult,
  type ServiceAction,
  type ServiceBackend,
} from './service-backend.ts';

/** The systemctl argv for an action (full-restart is a restart: systemd always stops then starts). */
export function systemctlArgv(action: ServiceAction, name: string): string[] {
  const verb = action === 'full-restart' ? 'restart' : action;
  return ['systemctl', verb, '--', unitName(name)];
}

export const systemd: ServiceBackend = {
  kind: 'systemd',
  async state(name: string, ctx: HostContext): Promise<ServiceState> {
    return batchedState(systemdServicesFact, name, ctx);
  },
  async run(action: ServiceAction, name: string, ctx: HostContext): Promise<ActionResult> {
    const st = await this.state(name, ctx);
    if (st.needsDaemonReload) await ctx.run(['systemctl', 'daemon-reload']);
    const r = await ctx.run(systemctlArgv(action, name));
    await refreshState(systemdServicesFact, name, ctx);
    return resultOf(r);
  },
  async recheck(name: string, ctx: HostContext): Promise<ServiceState> {
    await refreshState(systemdServicesFact, name, ctx);
    return this.state(name, ctx);
  },
};
