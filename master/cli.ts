// The `halite` command line. Run from source with `node --import tsx master/cli.ts`, or bin/halite.js.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.ts';
import type { CliIo, CommandContext } from './output/cli-io.ts';
import { registerDoc } from './commands/doc.ts';
import { registerDrift } from './commands/drift.ts';
import { registerHighstate } from './commands/highstate.ts';
import { registerHosts } from './commands/hosts.ts';
import type { JobHooks } from './commands/job.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerKeeper } from './commands/keeper.ts';
import { type ServeHooks, registerServe } from './api/serve-command.ts';
import { dashboard } from './dashboard/plugin.ts';
import { registerToken } from './api/token-command.ts';
import { registerHostsAccept } from './commands/hosts-accept.ts';
import { registerLint } from './commands/lint.ts';
import { registerRun } from './commands/run.ts';
import { registerShow } from './commands/show.ts';
import { registerSls } from './commands/sls.ts';
import { registerSsh } from './commands/ssh.ts';
import { registerSshConfig } from './commands/ssh-config.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { lastRunFromStore } from './jobs/last-run.ts';
import { formatErrors } from './output/errors.ts';
import { haliteVersion } from './build/version.ts';
import { askSecret, askTerminal } from './client/terminal-prompt.ts';

/** What tests replace: how a job reaches its hosts. */
export interface ProgramHooks {
  job?: JobHooks;
  /** `halite serve`: told the address once listening, with the function that stops the daemon. */
  serveListening?: ServeHooks['listening'];
  /**
   * The sources this code was built from (bin/fresh-bundle.js): `halite serve` takes the command
   * line's jobs only from callers that would run the same code.
   */
  codeStamp?: string;
}

export function buildProgram(ctx: CommandContext, hooks: ProgramHooks = {}): Command {
  const program = new Command('halite')
    .description('Salt-style configuration management: compile and push highstates over SSH')
    .version(haliteVersion(), '-V, --version')
    .option('--config <file>', 'master configuration (default: $HALITE_CONFIG, else ./halite.yaml)')
    .option('--debug', 'show stack traces of internal errors')
    .option('--daemon', 'highstate, sls and run: through the running daemon (halite serve), or fail (exit 69)')
    .option('--no-daemon', 'highstate, sls and run: in this process, even when a daemon runs')
    .option(
      '--no-color',
      'no colours in the output (also NO_COLOR=1; FORCE_COLOR=1 colours output that is not a terminal)',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.stdout(s), writeErr: (s) => ctx.io.stderr(s) });
  registerShow(program, ctx);
  registerLint(program, ctx);
  registerDoc(program, ctx);
  registerHosts(program, ctx, { lastRun: lastRunFromStore });
  registerHostsAccept(program, ctx);
  registerSshConfig(program, ctx);
  registerHighstate(program, ctx, hooks.job);
  registerSls(program, ctx, hooks.job);
  registerRun(program, ctx, hooks.job);
  registerJobs(program, ctx);
  registerDrift(program, ctx);
  registerServe(program, ctx, {
    job: hooks.job,
    listening: hooks.serveListening,
    frontends: [dashboard],
    ...(hooks.codeStamp ? { codeStamp: hooks.codeStamp } : {}),
    // the daemon runs a caller's command line as main() would in the caller's process
    runCommandLine: (argv, io, job) => main(argv, io, { job }),
  });
  registerToken(program, ctx);
  registerSsh(program, ctx);
  registerKeeper(program);
  return program;
}

/** Turns anything thrown into an exit code, printing it for the user (a stack trace only with --debug). */
export function reportFailure(err: unknown, ctx: CommandContext, debug: boolean): ExitCode {
  if (err instanceof CommanderError) {
    // commander has printed its message (usage error) or the help/version text
    return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (err instanceof CliError) {
    if (err.errors.length) ctx.io.stderr(formatErrors(err.errors));
    else ctx.io.stderr(`halite: ${err.message}\n`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  if (debug) ctx.io.stderr(`halite: internal error: ${e.stack ?? e.message}\n`);
  else ctx.io.stderr(`halite: internal error: ${e.message}\n(run again with --debug for details)\n`);
  return EXIT.INTERNAL;
}

/** Runs the command line `argv` (without node and script) and returns the exit code. */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  hooks: ProgramHooks = {},
): Promise<number> {
  const ctx: CommandContext = { io, exitCode: EXIT.OK };
  const program = buildProgram(ctx, hooks);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    return reportFailure(err, ctx, Boolean(program.opts().debug) || argv.includes('--debug'));
  }
}

export function processIo(): CliIo {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
    tty: { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
    prompt: askTerminal,
    promptSecret: askSecret,
  };
}

function isEntryPoint(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2));
}
