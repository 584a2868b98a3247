// `halite serve [--port N] [--listen ADDR]`: the master daemon — the HTTP API (docs/api.md) on the
// loopback address unless told otherwise, the schedules of halite.yaml (docs/schedule.md), the job
// history's retention applied at start and hourly. Its SSH connections are held for its lifetime.
import { isIP } from 'node:net';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type Frontend, buildApi } from './app.ts';
import { CliError } from '../cli-error.ts';
import { loadConfig } from '../config/halite-yaml.ts';
import { EXIT } from '../exit-codes.ts';
import { JobStore } from '../jobs/store.ts';
import type { CommandContext } from '../output/cli-io.ts';
import type { JobHooks } from '../commands/job.ts';
import type { GlobalOptions } from '../commands/options.ts';
import type { SignalSource } from '../commands/interrupt.ts';
import { transportFor } from '../commands/fleet.ts';
import { Scheduler } from '../schedule/scheduler.ts';
import { HeldTransport } from '../transport/held-transport.ts';
import type { CliIo } from '../output/cli-io.ts';
import { locateConfig } from '../config/config-location.ts';
import { configKey, daemonSocketPath } from '../client/daemon-socket.ts';
import { busTap } from './launcher.ts';
import { LocalJobs } from './local-jobs.ts';

export const DEFAULT_PORT = 4580;
const PRUNE_EVERY_MS = 3_600_000;

interface ServeOptions extends GlobalOptions {
  port: number;
  listen: string;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`expected a port from 0 to 65535, not '${value}'`);
  return n;
}

function addressArg(value: string): string {
  if (!isIP(value)) throw new InvalidArgumentError(`expected an IP address (127.0.0.1, ::1, 0.0.0.0), not '${value}'`);
  return value;
}

export interface ServeHooks {
  job?: JobHooks;
  /** Front ends the daemon serves beside the API (the dashboard under /ui). */
  frontends?: readonly Frontend[];
  /** Called once the server listens, with its address; the default waits for SIGINT or SIGTERM. */
  listening?(url: string, close: () => Promise<void>): void;
  /** Runs a command line for the thin client (`main` with other I/O and job hooks). */
  runCommandLine?(argv: string[], io: CliIo, job: JobHooks): Promise<number>;
  /** The daemon's code (cli.ts's ProgramHooks.codeStamp): without it, no command-line jobs are taken. */
  codeStamp?: string;
}

/**
 * Takes the command line's jobs on this configuration's daemon socket (local-jobs.ts), running each
 * with the daemon's job hooks; undefined (and says why) when it cannot.
 */
async function takeCommandLine(
  hooks: ServeHooks,
  configFlag: string | undefined,
  ctx: CommandContext,
  job: (signals: SignalSource) => JobHooks,
  log: (m: string) => void,
): Promise<LocalJobs | undefined> {
  const run = hooks.runCommandLine;
  if (!run) return undefined;
  if (!hooks.codeStamp) {
    log('command-line jobs: not taken: the code this daemon runs is not known (start it with bin/halite.js)');
    return undefined;
  }
  const config = configKey(locateConfig(configFlag, ctx.io.env, ctx.io.cwd).path);
  const where = daemonSocketPath(config, ctx.io.env);
  if ('refused' in where) {
    log(`command-line jobs: not taken: ${where.refused}`);
    return undefined;
  }
  const local = new LocalJobs({
    socket: where.path,
    config,
    stamp: hooks.codeStamp,
    log,
    run: (argv, io, signals) => run(argv, io, job(signals)),
  });
  if (!(await local.listen())) return undefined;
  log(`taking command-line jobs on ${where.path}`);
  return local;
}

export function registerServe(program: Command, ctx: CommandContext, hooks: ServeHooks = {}): void {
  program
    .command('serve')
    .description('run the master daemon: the HTTP API for jobs, hosts, events and metrics')
    .addOption(new Option('--port <n>', 'TCP port').argParser(portArg).default(DEFAULT_PORT))
    .addOption(
      new Option('--listen <addr>', 'address to listen on (loopback unless you mean otherwise)')
        .argParser(addressArg)
        .default('127.0.0.1'),
    )
    .action(async (_o, c: Command) => {
      const opts = c.optsWithGlobals<ServeOptions>();
      const { config, errors } = loadConfig(opts.config, ctx.io.env, ctx.io.cwd);
      if (errors.length) throw new CliError('invalid configuration', EXIT.CONFIG_ERROR, errors);
      const store = JobStore.open(config.jobsDb);
      const log = (m: string) => ctx.io.stderr(`halite serve: ${m}\n`);
      const held = new HeldTransport(transportFor(config), config.concurrency);
      const jobHooks = { ...hooks.job, transport: held };
      const { app, context } = buildApi({
        store,
        configFile: config.file ?? undefined,
        env: ctx.io.env,
        cwd: ctx.io.cwd,
        jobHooks,
        log,
        connections: () => held.stats,
        ...(hooks.frontends ? { frontends: hooks.frontends } : {}),
      });
      const scheduler = new Scheduler({ schedules: config.schedules, launcher: context.launcher, store, log });
      const prune = () => {
        const n = store.prune(config.jobs);
        if (n) log(`${n} job${n === 1 ? '' : 's'} past retention deleted`);
      };
      prune();
      const timer = setInterval(prune, PRUNE_EVERY_MS);
      // the command line's socket, opened once the API listens
      const local: { jobs?: LocalJobs } = {};
      let closing: Promise<void> | undefined;
      const waitClosed: (() => void)[] = [];
      const close = () =>
        (closing ??= (async () => {
          clearInterval(timer);
          await scheduler.stop();
          await app.close();
          await local.jobs?.close();
          await context.launcher.idle();
          held.close();
          store.close();
          for (const w of waitClosed) w();
        })());
      let url: string;
      try {
        url = await app.listen({ port: opts.port, host: opts.listen });
      } catch (err) {
        await close();
        throw new CliError(
          `cannot listen on ${opts.listen}:${opts.port}: ${(err as Error).message}`,
          EXIT.CONFIG_ERROR,
        );
      }
      local.jobs = await takeCommandLine(
        hooks,
        opts.config,
        ctx,
        (signals) => ({ ...jobHooks, signals, tap: busTap(context.bus) }),
        log,
      );
      if (!context.tokens.list().length) log('no API tokens yet: create one with `halite token create NAME`');
      log(`listening on ${url}`);
      scheduler.start();
      if (hooks.listening) {
        hooks.listening(url, close);
        return closing === undefined ? new Promise<void>((resolve) => void waitClosed.push(resolve)) : closing;
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          log('stopping: waiting for running jobs to finish');
          void close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
