// `halite show top|highstate|lowstate|sls|pillar|grains`: compile a host on the master and print the result.
import type { Command } from 'commander';
import { checkSaltenv, compileHost, compileTop, hostPillar } from './compile-host.ts';
import { hostGrains } from './host-grains-view.ts';
import { formatChunks } from '../output/chunks.ts';
import { formatWarnings } from '../output/errors.ts';
import { serialize } from '../output/format.ts';
import { findHost, openWorkspace } from '../config/workspace.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { type HostOptions, grainOption, hostOption, outOption, saltenvOption } from './options.ts';
import { printOutcome, printWarnings } from './report.ts';
import { slsNames } from './sls-names.ts';

/** The workspace and the host; errors of other roster entries are only warnings. */
function workspaceFor(ctx: CommandContext, opts: HostOptions) {
  const ws = openWorkspace({ config: opts.config, env: ctx.io.env, cwd: ctx.io.cwd, allowRosterErrors: true });
  printWarnings(ctx, ws);
  const host = findHost(ws, opts.host);
  checkSaltenv(ws, opts.saltenv);
  const others = ws.roster.rejected.flatMap((r) => r.errors);
  if (others.length) ctx.io.stderr(formatWarnings(others));
  return { ws, host };
}

function hostCommand(parent: Command, name: string, description: string, saltenv = false): Command {
  const cmd = parent
    .command(name)
    .description(description)
    .addOption(hostOption())
    .addOption(grainOption())
    .addOption(outOption());
  return saltenv ? cmd.addOption(saltenvOption()) : cmd;
}

export function registerShow(program: Command, ctx: CommandContext): void {
  const show = program.command('show').description('compile a host on the master, without connecting to it');

  hostCommand(show, 'top', 'the SLS the top file assigns to the host, per environment', true).action(
    (_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<HostOptions>();
      const { ws, host } = workspaceFor(ctx, opts);
      const r = compileTop(ws, host, { overrides: opts.grain, saltenv: opts.saltenv });
      printOutcome(ctx, opts.out, r.errors, r.secrets, r.top, serialize);
    },
  );

  hostCommand(
    show,
    'highstate',
    "the host's high data as rendered (Salt's state.show_highstate): ID → module → function and arguments",
    true,
  ).action((_o, cmd: Command) => {
    const opts = cmd.optsWithGlobals<HostOptions>();
    const { ws, host } = workspaceFor(ctx, opts);
    const r = compileHost(ws, host, { overrides: opts.grain, saltenv: opts.saltenv, show: true });
    printOutcome(ctx, opts.out, r.errors, r.secrets, r.high ?? {}, serialize);
  });

  hostCommand(show, 'lowstate', "the host's low chunks, in execution order (Salt's state.show_lowstate)", true).action(
    (_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<HostOptions>();
      const { ws, host } = workspaceFor(ctx, opts);
      const r = compileHost(ws, host, { overrides: opts.grain, saltenv: opts.saltenv });
      printOutcome(ctx, opts.out, r.errors, r.secrets, r.chunks, formatChunks);
    },
  );

  hostCommand(show, 'sls', 'the low chunks of the named SLS only, in execution order', true)
    .argument('<name...>', 'SLS names (e.g. memcached redis.server, or memcached,redis.server)')
    .action((names: string[], _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<HostOptions>();
      const { ws, host } = workspaceFor(ctx, opts);
      const r = compileHost(ws, host, { overrides: opts.grain, sls: slsNames(names), saltenv: opts.saltenv });
      printOutcome(ctx, opts.out, r.errors, r.secrets, r.chunks, formatChunks);
    });

  hostCommand(
    show,
    'pillar',
    "the host's pillar as the master compiles it for the host (private values redacted)",
  ).action((_o, cmd: Command) => {
    const opts = cmd.optsWithGlobals<HostOptions>();
    const { ws, host } = workspaceFor(ctx, opts);
    const p = hostPillar(ws, host);
    printOutcome(ctx, opts.out, p.errors, p.secrets, p.pillar, serialize);
  });

  hostCommand(
    show,
    'grains',
    "the host's grains on the master: what it reported on its last run, under its roster grains",
  ).action((_o, cmd: Command) => {
    const opts = cmd.optsWithGlobals<HostOptions>();
    const { ws, host } = workspaceFor(ctx, opts);
    printOutcome(ctx, opts.out, [], [], hostGrains(ws, host, opts.grain), serialize);
  });
}
