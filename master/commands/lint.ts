// `halite lint`: check the configuration as a job does (halite.yaml, the roles, the roster and the
// roles its hosts name, the schedules), compile every valid roster host, and report every error once
// with the hosts it concerns.
import type { Command } from 'commander';
import type { ErrorData } from '../../agent/errors.ts';
import { checkSaltenv, compileHost } from './compile-host.ts';
import { exitCodeFor } from '../exit-codes.ts';
import { formatErrors, formatWarnings, groupErrors } from '../output/errors.ts';
import { redact } from '../pillar/redact.ts';
import { checkSchedules } from '../config/schedule-check.ts';
import { openWorkspace } from '../config/workspace.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { type GlobalOptions, saltenvOption } from './options.ts';
import { printWarnings } from './report.ts';

export interface LintSummary {
  hosts: number;
  failed: number;
  errors: number;
  /** Grouped warnings: what Salt accepts but fails at run time or ignores. */
  warnings?: number;
}

export function summaryLine(s: LintSummary): string {
  const hosts = `${s.hosts} host${s.hosts === 1 ? '' : 's'}`;
  const warned = s.warnings ? `; ${s.warnings} warning${s.warnings === 1 ? '' : 's'}` : '';
  if (s.errors === 0) return `lint: ${hosts}, no errors${warned}`;
  return `lint: ${hosts}, ${s.failed} with errors; ${s.errors} error${s.errors === 1 ? '' : 's'} in total${warned}`;
}

function hostsOf(errors: readonly ErrorData[]): Set<string> {
  return new Set(errors.flatMap((e) => (e.host ? [e.host] : [])));
}

export function registerLint(program: Command, ctx: CommandContext): void {
  program
    .command('lint')
    .description(
      'check the configuration, roles and roster, compile the highstate of every roster host, and report all errors',
    )
    .option('--strict', 'treat warnings (what Salt accepts but fails when the state runs) as errors')
    .addOption(saltenvOption())
    .action((o: { strict?: boolean; saltenv?: string }, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions>();
      // the same checks as a job: halite.yaml errors end the command (exit 5) here already
      const ws = openWorkspace({
        config: opts.config,
        env: ctx.io.env,
        cwd: ctx.io.cwd,
        allowRosterErrors: true,
        roles: true,
      });
      printWarnings(ctx, ws);
      const saltenv = checkSaltenv(ws, o.saltenv);
      const schedules = checkSchedules(ws.config, ws.roles, ws.roster);
      const all: ErrorData[] = [...(ws.roles?.errors ?? []), ...ws.roster.errors, ...schedules.errors];
      const warnings: ErrorData[] = [...ws.lintWarnings, ...schedules.warnings];
      for (const host of ws.roster.hosts) {
        const r = compileHost(ws, host, saltenv ? { saltenv } : {});
        all.push(...redact(r.errors, r.secrets));
        warnings.push(...redact(r.warnings ?? [], r.secrets));
      }
      if (o.strict) all.push(...warnings);
      else if (warnings.length) ctx.io.stdout(formatWarnings(warnings));
      ctx.io.stdout(formatErrors(all));
      // invalid roster entries count as hosts with errors
      const hosts = new Set([...ws.roster.hosts.map((h) => h.id), ...ws.roster.rejected.map((h) => h.id)]);
      const warned = o.strict ? 0 : groupErrors(warnings).length;
      ctx.io.stdout(
        summaryLine({
          hosts: hosts.size,
          failed: hostsOf(all).size,
          errors: groupErrors(all).length,
          warnings: warned,
        }) + '\n',
      );
      ctx.exitCode = exitCodeFor(all);
    });
}
