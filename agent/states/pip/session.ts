// How one pip state runs pip: which pip (bin_env, or the deprecated pip_bin), as which user, where,
// with which environment.
import { pipCommand } from '../../backends/pip.ts';
import { envStrings, type ToolRun } from '../../backends/tool-run.ts';
import type { StateContext } from '../types.ts';

export interface PipSession {
  pip: string[];
  run: ToolRun;
}

interface SessionArgs {
  bin_env?: string;
  pip_bin?: string;
  user?: string;
  cwd?: string;
  env_vars?: unknown;
}

/** No pip where bin_env points: what to do about it. */
const venvHint = (dir: string): string =>
  `create the virtualenv first, e.g. cmd.run: python3 -m venv ${dir} with creates: ${dir}/bin/pip (package python3-venv), and require it`;

export function pipSession(args: SessionArgs, ctx: StateContext): PipSession | { missing: string; hint?: string } {
  const binEnv = args.bin_env ?? args.pip_bin;
  const cmd = pipCommand(binEnv, ctx.root);
  if ('missing' in cmd)
    return binEnv ? { missing: cmd.missing, hint: venvHint(binEnv.replace(/\/bin\/[^/]+$/, '')) } : cmd;
  const run: ToolRun = { env: { PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', ...envStrings(args.env_vars) } };
  if (args.user) run.user = args.user;
  if (args.cwd) run.cwd = args.cwd;
  return { pip: cmd.argv, run };
}
