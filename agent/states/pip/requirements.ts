// pip.installed with a requirements file: the file (on the host, or salt:// from the state tree,
// written to a scratch file) is checked with `pip install --dry-run`, so a file whose requirements
// are all met changes nothing. A pip without --dry-run (older than 22.2) processes it every run,
// as Salt does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, StateContext } from '../types.ts';
import { converged, failed, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { parseWouldInstall } from '../../backends/pip.ts';
import { failureOf, runTool } from '../../backends/tool-run.ts';
import { readSource } from '../file/source.ts';
import { waitingForRequisites } from '../tool-missing.ts';
import type { INSTALLED_ARGS } from './args.ts';
import { installFlags } from './options.ts';
import { SCRATCH, withScratchFile } from './scratch.ts';
import type { PipInstallOps } from './ops.ts';
import type { PipSession } from './session.ts';

type Args = ArgsOf<typeof INSTALLED_ARGS>;

/** The `-r` operand and, for a salt:// file, its text for a scratch file. */
function requirementsSource(req: string, ctx: StateContext): { file: string; text?: string } | { error: string } {
  if (req.startsWith('salt://')) {
    const { text, refused } = readSource(req, ctx);
    if (refused) return { error: refused };
    if (text === undefined) return { error: `Requirements file ${req} not found in saltenv '${ctx.saltenv}'` };
    return { file: SCRATCH, text };
  }
  if (!req.startsWith('/')) return { error: `Requirements file '${req}' must be an absolute path or salt://` };
  if (!existsSync(join(ctx.root, req))) return { error: `Requirements file '${req}' does not exist` };
  return { file: req };
}

export async function checkRequirements(args: Args, s: PipSession, ctx: StateContext): Promise<Plan<PipInstallOps>> {
  const req = args.requirements as string;
  const src = requirementsSource(req, ctx);
  const will = `Requirements file '${req}' will be processed.`;
  if ('error' in src) return waitingForRequisites(ctx) ? pending({}, will, undefined as never) : failed(src.error);
  const flags = installFlags(args);
  const ops: PipInstallOps = {
    session: s,
    argv: [...s.pip, 'install', ...flags, `--requirement=${src.file}`],
    text: src.text,
    user: args.user,
    requirements: req,
    targets: [],
    before: new Map(),
    already: [],
    forced: args.force_reinstall || args.ignore_installed,
  };
  if (ops.forced) return pending({}, will, ops);
  const dryArgv = [...s.pip, 'install', '--dry-run', ...flags, `--requirement=${src.file}`];
  const dry = await withScratchFile(src.text, args.user, dryArgv, ctx, (argv) => runTool(ctx, argv, s.run));
  if (/no such option: --dry-run/.test(dry.stderr)) return pending({}, will, ops);
  if (dry.code !== 0) {
    const why = `Unable to process requirements file "${req}". Error: ${failureOf(dry)}`;
    return waitingForRequisites(ctx) ? pending({}, `${will} (${why})`, ops) : failed(why);
  }
  const would = parseWouldInstall(dry.stdout);
  if (!would.length) return converged('Requirements were already installed.');
  return pending({}, `${will} pip would install: ${would.join(' ')}`, ops);
}
