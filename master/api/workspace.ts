// The configuration and roster as GET /hosts and the dashboard's pages read them, afresh for each
// request: an unreadable configuration is a CONFIG_INVALID error listing its problems; a broken
// host is left out, its problems among the warnings.
import { formatError } from '../../agent/errors.ts';
import type { ApiContext } from './context.ts';
import { ApiError } from './errors.ts';
import { CliError } from '../cli-error.ts';
import { type Workspace, openWorkspace } from '../config/workspace.ts';

export function readWorkspace(api: ApiContext): Workspace & { warnings: string[] } {
  try {
    const ws = openWorkspace({
      config: api.launch.configFile,
      env: api.launch.env,
      cwd: api.launch.cwd,
      allowRosterErrors: true,
    });
    const warnings = [...ws.roster.warnings, ...ws.roster.rejected.flatMap((r) => r.errors)].map((e) => formatError(e));
    return Object.assign(ws, { warnings });
  } catch (err) {
    if (err instanceof CliError)
      throw new ApiError(
        422,
        'CONFIG_INVALID',
        err.message,
        err.errors.map((e) => formatError(e)),
      );
    throw err;
  }
}
