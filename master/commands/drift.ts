// `halite drift [--level L] [--out table|json]`: the hosts whose last test-mode highstate found
// states that would change, and what would change (as recorded, redacted, in the job store).
// Hosts never checked, and hosts in line with their states, are counted below the list.
import { type Command, Option } from 'commander';
import { makeColors } from '../../agent/output/colors.ts';
import { nested } from '../../agent/output/nested.ts';
import type { HostDrift } from '../jobs/drift.ts';
import { JobStore } from '../jobs/store.ts';
import { safeJson, safeLine, safeText } from '../output/terminal-safe.ts';
import { openWorkspace } from '../config/workspace.ts';
import type { CommandContext } from '../output/cli-io.ts';
import type { GlobalOptions } from './options.ts';
import { collectList } from './target-options.ts';

interface DriftOptions extends GlobalOptions {
  level: string[];
  out: 'table' | 'json';
}

export interface DriftReport {
  drifted: (HostDrift & { level: string })[];
  /** Hosts whose last check found nothing to change, or that an applied highstate converged since. */
  inLine: string[];
  /** Hosts with no test-mode or applied highstate recorded. */
  unchecked: string[];
}

/** The report for the roster hosts given (in roster order), from the job store's drift. */
export function driftReport(store: JobStore, hosts: readonly { id: string; level: string }[]): DriftReport {
  const drift = store.drift(hosts.map((h) => h.id));
  const report: DriftReport = { drifted: [], inLine: [], unchecked: [] };
  for (const h of hosts) {
    const d = drift.get(h.id);
    if (!d) report.unchecked.push(h.id);
    else if (d.states.length) report.drifted.push({ ...d, level: h.level });
    else report.inLine.push(h.id);
  }
  return report;
}

export function formatDrift(r: DriftReport): string {
  const c = makeColors(false);
  const out: string[] = [];
  for (const d of r.drifted) {
    out.push(
      `${safeLine(d.host)} (${safeLine(d.level)}): ${d.states.length} state${d.states.length === 1 ? '' : 's'} would change (job ${d.jid}, ${d.checkedAt.replace(/\.\d+Z$/, 'Z')})`,
    );
    for (const s of d.states) {
      out.push(`    ${safeLine(s.sls)}: ${safeLine(s.id)}${s.name !== s.id ? ` (${safeLine(s.name)})` : ''}`);
      if (s.comment) for (const l of safeText(s.comment).split('\n')) out.push(`        ${l}`);
      out.push(...nested(s.changes, 8, c).map(safeText));
    }
  }
  const n = (k: number) => `${k} host${k === 1 ? '' : 's'}`;
  out.push(
    `drift: ${n(r.drifted.length)} drifted, ${n(r.inLine.length)} in line, ${n(r.unchecked.length)} never checked`,
  );
  return out.join('\n') + '\n';
}

export function registerDrift(program: Command, ctx: CommandContext): void {
  program
    .command('drift')
    .description('list the hosts whose last test-mode highstate found changes to make, and what would change')
    .addOption(
      new Option('--level <levels>', 'only hosts of these levels (repeatable or comma-separated)')
        .argParser(collectList)
        .default([]),
    )
    .addOption(new Option('--out <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((_o, c: Command) => {
      const opts = c.optsWithGlobals<DriftOptions>();
      const ws = openWorkspace({ config: opts.config, env: ctx.io.env, cwd: ctx.io.cwd, allowRosterErrors: true });
      const hosts = ws.roster.hosts.filter((h) => !opts.level.length || opts.level.includes(h.level));
      const store = JobStore.open(ws.config.jobsDb);
      try {
        const report = driftReport(store, hosts);
        ctx.io.stdout(opts.out === 'json' ? safeJson(JSON.stringify(report, null, 2)) + '\n' : formatDrift(report));
      } finally {
        store.close();
      }
    });
}
