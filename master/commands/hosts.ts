// `halite hosts [targeting]`: the selected roster hosts as a table (or YAML/JSON), with the result of
// each host's last run when a job history is available.
import { type Command, Option } from 'commander';
import type { HaliteConfig } from '../config/halite-yaml.ts';
import { serialize } from '../output/format.ts';
import { formatTable } from '../output/table.ts';
import { jumpFor, type RosterHost } from '../config/roster.ts';
import { openWorkspace } from '../config/workspace.ts';
import type { CommandContext } from '../output/cli-io.ts';
import type { LastRun, LastRunLookup } from '../jobs/last-run.ts';
import type { GlobalOptions } from './options.ts';
import { printWarnings } from './report.ts';
import { addTargetOptions, applyTargetOptions, type TargetOptions } from './target-options.ts';

export interface HostsHooks {
  /** The job history, when there is one: given the configuration, a lookup (or undefined for none). */
  lastRun?: (config: HaliteConfig) => LastRunLookup | undefined;
}

export interface HostRow {
  id: string;
  level: string;
  roles: string[];
  address: string;
  /** `user@host:port`, or `direct`. */
  jump: string;
  /** `changed 2026-11-22T07:00:00Z`, or `never`; absent without a job history. */
  last?: string;
}

const HOST_OUT = ['table', 'yaml', 'json'] as const;
type HostsFormat = (typeof HOST_OUT)[number];

function endpoint(host: string, port: number, user?: string): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${user ? `${user}@` : ''}${h}${port === 22 ? '' : `:${port}`}`;
}

export function describeLastRun(run: LastRun | undefined): string {
  return run ? `${run.result} ${run.at}${run.job ? ` (job ${run.job})` : ''}` : 'never';
}

/** One row per host; `last` only when a lookup is given. */
export function hostRows(hosts: readonly RosterHost[], config: HaliteConfig, lastRun?: LastRunLookup): HostRow[] {
  return hosts.map((h) => {
    const jump = jumpFor(h, config);
    const row: HostRow = {
      id: h.id,
      level: h.level,
      roles: [...h.roles],
      address: endpoint(h.host, h.port),
      jump: jump ? endpoint(jump.host, jump.port, jump.user) : 'direct',
    };
    if (lastRun) row.last = describeLastRun(lastRun(h.id));
    return row;
  });
}

/** Left-aligned columns separated by two spaces; the LAST RUN column only when rows have it. */
export function formatHostsTable(rows: readonly HostRow[]): string {
  const withLast = rows.some((r) => r.last !== undefined);
  const head = ['ID', 'LEVEL', 'ROLES', 'ADDRESS', 'JUMP', ...(withLast ? ['LAST RUN'] : [])];
  const cells = rows.map((r) => [
    r.id,
    r.level,
    r.roles.join(',') || '-',
    r.address,
    r.jump,
    ...(withLast ? [r.last ?? 'never'] : []),
  ]);
  return formatTable(head, cells);
}

interface HostsOptions extends GlobalOptions, TargetOptions {
  out: HostsFormat;
}

export function registerHosts(program: Command, ctx: CommandContext, hooks: HostsHooks = {}): void {
  const cmd = program
    .command('hosts')
    .description('list roster hosts (all, or those the targeting options select), in roster order')
    .addOption(new Option('--out <format>', 'output format').choices(HOST_OUT).default('table'));
  addTargetOptions(cmd).action((_o, c: Command) => {
    const opts = c.optsWithGlobals<HostsOptions>();
    const ws = openWorkspace({ config: opts.config, env: ctx.io.env, cwd: ctx.io.cwd });
    printWarnings(ctx, ws);
    const sel = applyTargetOptions(ws.roster.hosts, opts);
    for (const u of sel.unmatched) ctx.io.stderr(`warning: ${u} matches no host\n`);
    const rows = hostRows(sel.hosts, ws.config, hooks.lastRun?.(ws.config));
    ctx.io.stdout(opts.out === 'table' ? formatHostsTable(rows) : serialize(rows, opts.out));
  });
}
