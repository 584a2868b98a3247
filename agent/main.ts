// The `halite-agent` command. `halite-agent apply --local …` compiles and applies a highstate on
// this machine from a state tree and a pillar tree on disk, like `salt-call --local state.apply`.
//
//   halite-agent apply --local --states DIR [--pillar DIR] [--private-pillar DIR] [--id ID]
//     [--grains FILE] [--saltenv ENV] [--test] [--failhard] [--timeout SEC]
//     [--out highstate|json|events] [--state-output full|terse|mixed|changes] [--no-color]
//     [--lock-file FILE] [--lock-wait SEC] [SLS…]
//   halite-agent serve [--cas-root DIR] [--lock-file FILE] [--record-envelope FILE] [--compile-cache DIR|off]
//   halite-agent backups list [PATH] | backups restore PATH ID
//     runs one job sent by the master on stdin (the exchange of protocol.ts; see serve.ts)
//   halite-agent resident --socket PATH --linger SEC [--priority N] [--group-priority N] [-- SERVE-OPTIONS]
//     stays for more jobs on a unix socket (resident.ts); serve starts it when a job lingers
//
// Exit codes are those of docs/exit-codes.md: 0 success, 1 compile error, 2 a state failed,
// 3 render error, 6 the host's lock is held, 64 usage, 70 internal error.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FsTree } from './store/tree.ts';
import { treeRoots } from './store/tree-root.ts';
import { formatError, type ErrorData } from './errors.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { collectGrains } from './facts/grains.ts';
import { parseYaml } from './render/yaml.ts';
import { compilePillar } from './pillar/compile.ts';
import { redact } from './pillar/redact.ts';
import { compileHighstate } from './compile/highstate.ts';
import { executeChunks } from './execute/executor.ts';
import { makeEmitter, summarize } from './output/emit.ts';
import { serveCommand } from './runtime/serve.ts';
import { residentCommand } from './runtime/resident.ts';
import { backupsCommand, BACKUPS_USAGE } from './store/backups-cli.ts';
import { acquireLock, DEFAULT_LOCK_FILE, LockBusyError, type Lock } from './runtime/lock.ts';
import { stderrLogger, templateLog } from './states/context.ts';
import { formatHighstate, type StateOutput } from './output/highstate.ts';
import { wantsColor } from './output/colors.ts';
import { saltJson } from './output/json.ts';
import type { Grains, Pillar, StateResult } from './protocol.ts';
import { hostFunctions } from './render/host-functions.ts';

const USAGE = `usage: halite-agent apply --local --states DIR [--pillar DIR] [--private-pillar DIR] [--id ID]
       [--grains FILE] [--saltenv ENV] [--test] [--failhard] [--timeout SEC]
       [--out highstate|json|events] [--state-output full|terse|mixed|changes] [--no-color]
       [--lock-file FILE] [--lock-wait SEC] [SLS...]
       halite-agent serve [--cas-root DIR] [--lock-file FILE] [--record-envelope FILE] [--compile-cache DIR|off]
${BACKUPS_USAGE.replace(/^usage: /, '       ')}`;

const OPTIONS = {
  local: { type: 'boolean' },
  states: { type: 'string' },
  pillar: { type: 'string' },
  'private-pillar': { type: 'string' },
  id: { type: 'string' },
  grains: { type: 'string' },
  saltenv: { type: 'string' },
  test: { type: 'boolean' },
  failhard: { type: 'boolean' },
  timeout: { type: 'string' },
  out: { type: 'string' },
  'state-output': { type: 'string' },
  'no-color': { type: 'boolean' },
  'lock-file': { type: 'string' },
  'lock-wait': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Out = 'highstate' | 'json' | 'events';

interface Io {
  out(text: string): void;
  err(text: string): void;
  /** What decides colour (NO_COLOR, FORCE_COLOR, TERM); none when left out. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Whether `out` is a terminal (highstate output is coloured there); not when left out. */
  terminal?: boolean;
}

const stdio: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  terminal: Boolean(process.stdout.isTTY),
};

class UsageError extends Error {}

/** Salt-style job id: the local time as YYYYMMDDhhmmssffffff. */
export function makeJid(d = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}${p(d.getMilliseconds() * 1000, 6)}`;
}

function seconds(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${what} must be a number of seconds, not '${v}'`);
  return n;
}

function readGrainsFile(path: string): Grains {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --grains file: ${(e as Error).message}`);
  }
  const parsed = parseYaml(text, path);
  if (parsed.errors.length) throw new UsageError(parsed.errors.map(formatError).join('\n'));
  const data = parsed.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new UsageError(`--grains file ${path} must hold a mapping`);
  return data as Grains;
}

/** Salt's rendering of errors that stopped a highstate. */
function failedToCompile(id: string, lines: string[]): string {
  return `${id}:\n    Data failed to compile:\n${lines.map((l) => `----------\n    ${l}`).join('\n')}\n`;
}

interface ApplyArgs {
  states: string;
  pillar?: string;
  privatePillar?: string;
  id?: string;
  grainsFile?: string;
  saltenv: string;
  test: boolean;
  failhard: boolean;
  timeout?: number;
  out: Out;
  stateOutput: StateOutput;
  /** False with `--no-color`. */
  color?: boolean;
  lockFile: string;
  lockWait: number;
  sls: string[];
}

function parse(argv: string[]): ApplyArgs | 'help' {
  const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (v.help) return 'help';
  const [cmd, ...sls] = positionals;
  if (cmd !== 'apply') throw new UsageError(cmd ? `unknown command '${cmd}'` : 'missing command');
  if (!v.local) throw new UsageError('only local mode is available here: pass --local');
  if (!v.states) throw new UsageError('--states DIR is required');
  const out = (v.out ?? 'highstate') as Out;
  if (!['highstate', 'json', 'events'].includes(out))
    throw new UsageError(`--out must be highstate, json or events, not '${out}'`);
  const stateOutput = (v['state-output'] ?? 'full') as StateOutput;
  if (!['full', 'terse', 'mixed', 'changes'].includes(stateOutput))
    throw new UsageError(`--state-output must be full, terse, mixed or changes`);
  return {
    states: v.states,
    pillar: v.pillar,
    privatePillar: v['private-pillar'],
    id: v.id,
    grainsFile: v.grains,
    saltenv: v.saltenv ?? 'base',
    test: v.test ?? false,
    failhard: v.failhard ?? false,
    timeout: seconds(v.timeout, 'timeout'),
    out,
    stateOutput,
    ...(v['no-color'] ? { color: false } : {}),
    lockFile: v['lock-file'] ?? DEFAULT_LOCK_FILE,
    lockWait: seconds(v['lock-wait'], 'lock-wait') ?? 0,
    sls: sls.flatMap((s) => s.split(',')).filter(Boolean),
  };
}

async function apply(a: ApplyArgs, io: Io): Promise<number> {
  const grains: Grains = { ...(await collectGrains()), ...(a.grainsFile ? readGrainsFile(a.grainsFile) : {}) };
  if (a.id) grains.id = a.id;
  const id = String(grains.id);
  const jid = makeJid();
  const events = makeEmitter(jid, id, io.out);

  let pillar: Pillar = {};
  let secrets: string[] = [];
  const errors: ErrorData[] = [];
  // each tree is read only inside its own root, and never through a symlink into another one
  const roots = treeRoots({
    states: a.states,
    ...(a.pillar ? { pillar: a.pillar } : {}),
    ...(a.privatePillar ? { privatePillar: a.privatePillar } : {}),
  });
  if (roots.pillar) {
    const p = compilePillar({
      tree: new FsTree(roots.pillar),
      grains,
      saltenv: a.saltenv,
      ...(roots.privatePillar ? { privateTree: new FsTree(roots.privatePillar) } : {}),
    });
    pillar = p.pillar;
    secrets = p.secrets.values;
    errors.push(...p.errors);
  }
  const hide = <T>(v: T): T => redact(v, secrets);

  let lock: Lock;
  try {
    lock = await acquireLock(a.lockFile, { waitSec: a.lockWait });
  } catch (e) {
    if (e instanceof LockBusyError) {
      io.err(`halite-agent: ${e.message}\n`);
      if (a.out === 'events') events.error({ code: 'LOCKED', message: e.message, host: id });
      return EXIT.LOCKED;
    }
    throw e;
  }
  try {
    const tree = new FsTree(roots.states);
    const functions = hostFunctions({ root: '/', used: () => undefined });
    const compiled = errors.length
      ? undefined
      : compileHighstate({
          tree,
          ctx: { grains, pillar, saltenv: a.saltenv, functions, log: templateLog(stderrLogger, hide) },
          ...(a.sls.length ? { sls: a.sls } : {}),
        });
    if (compiled) errors.push(...compiled.errors);
    if (errors.length || !compiled) {
      const shown = hide(errors);
      if (a.out === 'events') shown.forEach((e) => events.error(e));
      else if (a.out === 'json') io.out(`${JSON.stringify(saltJson(id, shown.map(formatError)), null, 4)}\n`);
      else io.out(failedToCompile(id, shown.map(formatError)));
      return exitCodeFor(errors);
    }
    if (a.out === 'events') events.start(compiled.chunks.length, a.test);
    const log = stderrLogger;
    // SIGINT/SIGTERM: the current state's commands are killed, the run stops, the lock is released.
    const shutdown = new AbortController();
    const stop = (sig: string): void => {
      log.warn(`${sig} received: stopping after the current state`);
      shutdown.abort();
    };
    const onInt = (): void => stop('SIGINT');
    const onTerm = (): void => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    const { results, stopped } = await executeChunks(compiled.chunks, {
      signal: shutdown.signal,
      context: { grains, pillar, tree, saltenv: a.saltenv, root: '/', log, redact: (t) => hide(t) },
      test: a.test,
      failhard: a.failhard,
      timeout: a.timeout,
      redact: (r: StateResult) => hide(r),
      ...(a.out === 'events' ? { onResult: (r: StateResult) => events.result(r) } : {}),
    });
    process.removeListener('SIGINT', onInt);
    process.removeListener('SIGTERM', onTerm);
    if (a.out === 'events') events.done(summarize(results, a.test, stopped));
    else if (a.out === 'json') io.out(`${JSON.stringify(saltJson(id, results), null, 4)}\n`);
    else
      io.out(
        `${formatHighstate(id, results, { stateOutput: a.stateOutput, color: wantsColor(io.env ?? {}, io.terminal ?? false, a.color) })}\n`,
      );
    // An interrupted run did not converge the host, even when every state it ran succeeded.
    return results.some((r) => r.result === false) || shutdown.signal.aborted ? EXIT.STATE_FAILURE : EXIT.OK;
  } finally {
    lock.release();
  }
}

/** Runs the command line; resolves to the process exit code. */
export async function main(argv: string[], io: Io = stdio): Promise<number> {
  try {
    if (argv[0] === 'serve') return await serveCommand(argv.slice(1));
    if (argv[0] === 'resident') return await residentCommand(argv.slice(1));
    if (argv[0] === 'backups') return await backupsCommand(argv.slice(1), io);
    const a = parse(argv);
    if (a === 'help') {
      io.out(`${USAGE}\n`);
      return EXIT.OK;
    }
    return await apply(a, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`halite-agent: ${(e as Error).message}\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    io.err(`halite-agent: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.INTERNAL;
  }
}

function invokedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
