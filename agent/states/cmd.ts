// cmd.run / cmd.wait / cmd.script: the one place where a state's job is a shell line.
// The shell reads the line from a pipe (agent/process/shell-line.ts), so no process list shows it;
// runas goes through `runuser -u USER --`.
import { statSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Changes, Outcome, Plan, StateArgs, StateContext, StateFunction, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { flag, isDict, optString, strList } from './args.ts';
import { reinterpret } from './cmd-stateful.ts';
import { lookupAccount } from '../facts/users.ts';
import { loadSource } from './file/source.ts';
import { operands } from '../process/operands.ts';
import { shellArgv, shellInput } from '../process/shell-line.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

export interface CmdOps {
  argv: string[];
  /** The shell line, handed to the shell on fd 3 (never in argv). */
  line: string;
  cwd: string;
  env: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** The command as a timed-out result names it (Salt: `<cmd> : Timed out after N seconds`). */
  shown: string;
  /** cmd.script: the script text, written to a temp file whose path replaces SCRIPT in argv. */
  script?: string;
  /** runas: the user the script file is handed to. */
  owner?: { uid: number; gid?: number };
  /** Comment once run: Command "x" run (cmd.run) or Command 'x' run (cmd.script). */
  ranComment: string;
  stateful: boolean;
  hideOutput: boolean;
  ignoreTimeout: boolean;
  successRetcodes: number[];
  successStdout: string[];
  successStderr: string[];
}

/** Stands in argv for the temp file cmd.script writes at apply time (a NUL never occurs in real argv). */
const SCRIPT = '\u0000script';

/** `stateful: True`, or `stateful: [{test_name: …}]`. */
const isStateful = (v: unknown): boolean => Array.isArray(v) || flag(v);

const RUN_ARGS = declareArgs({
  cwd: { type: 'string', doc: "The working directory (default: the runas user's home, else /root)" },
  root: { type: 'string', doc: 'Run the command chrooted here' },
  runas: { type: 'string', doc: 'Run as this user' },
  shell: { type: 'string', default: '/bin/sh', doc: 'The shell that reads the command line' },
  env: { type: 'any', doc: 'Environment variables: a mapping or a list of one-key mappings' },
  prepend_path: { type: 'string', doc: 'A directory put in front of PATH' },
  stateful: {
    type: 'any',
    default: false,
    doc: "The command's last output line reports changed=… and comment=…; or [{test_name: …}]",
  },
  umask: { type: 'string', doc: 'The umask of the command (022)' },
  output_loglevel: {
    type: 'string',
    default: 'debug',
    doc: 'The log level of the output',
    unsupported: 'output is always returned',
  },
  hide_output: { type: 'bool', default: false, doc: 'Leave stdout and stderr out of the result' },
  timeout: { type: 'seconds', doc: 'Kill the command after this many seconds' },
  ignore_timeout: { type: 'bool', default: false, doc: 'A killed command does not fail the state' },
  use_vt: {
    type: 'bool',
    default: false,
    doc: 'Run in a pseudo-terminal',
    unsupported: 'commands run without a terminal',
  },
  success_retcodes: { type: 'str_or_list', doc: 'Exit codes besides 0 that mean success' },
  success_stdout: { type: 'str_or_list', doc: 'Output lines that mean success whatever the exit code' },
  success_stderr: { type: 'str_or_list', doc: 'Error lines that mean success whatever the exit code' },
  stdin: { type: 'string', doc: 'Text given to the command on its standard input' },
  bg: {
    type: 'bool',
    default: false,
    doc: 'Run in the background without waiting',
    unsupported: 'commands are always waited for',
  },
  python_shell: { type: 'bool', doc: 'Run through the shell', unsupported: 'the line always goes to the shell' },
  reload_modules: {
    type: 'bool',
    default: false,
    doc: 'Reload execution modules afterwards',
    unsupported: 'there are no modules to reload',
  },
  saltenv: {
    type: 'string',
    default: 'base',
    doc: 'The environment of salt:// sources',
    unsupported: "the run's saltenv is used",
  },
});

const SCRIPT_ARGS = declareArgs({
  ...RUN_ARGS,
  source: { type: 'string', doc: 'The script (salt://…); default: the first word of name' },
  template: { type: 'string', doc: 'Render the script with this engine (jinja)' },
  args: { type: 'string', doc: 'Arguments of the script; default: the words of name after the first' },
  defaults: { type: 'mapping', doc: 'Template variables' },
  context: { type: 'mapping', doc: 'Template variables, over defaults' },
  password: { type: 'string', doc: "The runas user's password (Windows)", unsupported: 'Windows only' },
});

/** Salt's `env`: a dict or a list of one-key dicts; values become strings. */
function parseEnv(env: unknown): Record<string, string> | undefined {
  if (env === undefined || env === null) return {};
  const out: Record<string, string> = {};
  const add = (d: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(d))
      out[k] = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  };
  if (isDict(env)) add(env);
  else if (Array.isArray(env)) {
    for (const item of env) {
      if (isDict(item)) add(item);
      else if (typeof item === 'string' && item.includes('='))
        out[item.slice(0, item.indexOf('='))] = item.slice(item.indexOf('=') + 1);
      else return undefined;
    }
  } else return undefined;
  return out;
}

/** test_name from `stateful: [{test_name: …}]`. */
function testName(stateful: unknown): string | undefined {
  if (!Array.isArray(stateful)) return undefined;
  const first: unknown = stateful[0];
  return isDict(first) && typeof first.test_name === 'string' ? first.test_name : undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

interface Prepared {
  ops: CmdOps;
  /** Failure found while preparing (bad env, unknown user). */
  error?: string;
  /**
   * The failure is the runas user, which an earlier state of the run may create: a test run that
   * does not run the command reports it would run, as Salt's does (it looks no further).
   */
  userMissing?: boolean;
}

/** Builds the argv and environment for `line`, shared by run and script. */
async function prepare(
  args: StateArgs,
  line: string,
  ctx: StateContext,
  shown: string,
  ranComment: string,
): Promise<Prepared> {
  const env = parseEnv(args.env);
  const base: CmdOps = {
    argv: [],
    line,
    shown,
    cwd: '/',
    env: {},
    ranComment,
    stateful: isStateful(args.stateful),
    hideOutput: flag(args.hide_output),
    ignoreTimeout: flag(args.ignore_timeout),
    successRetcodes: strList(args.success_retcodes).map(Number),
    successStdout: strList(args.success_stdout),
    successStderr: strList(args.success_stderr),
  };
  if (!env) return { ops: base, error: "Invalidly-formatted 'env' parameter. See documentation." };
  const shell = optString(args.shell) ?? '/bin/sh';
  const runas = optString(args.runas);
  let home: string | undefined;
  let argv = shellArgv(shell);
  const umask = optString(args.umask);
  if (umask !== undefined) {
    if (!/^[0-7]{1,4}$/.test(umask)) return { ops: base, error: `Invalid umask: '${umask}'` };
    argv = ['/bin/sh', '-c', 'umask "$1" && shift && exec "$@"', 'sh', umask, ...argv];
  }
  if (runas) {
    const user = await lookupAccount(ctx.facts, 'passwd', runas);
    if (!user || (/^\d+$/.test(runas) && user.name === runas))
      return { ops: base, error: `User '${runas}' is not available`, userMissing: true };
    home = user.home;
    argv = ['runuser', '-u', user.name, '--', ...argv];
    base.owner = user.gid === undefined ? { uid: user.id } : { uid: user.id, gid: user.gid };
  }
  // Outermost, so it runs as the agent's user; runas then happens inside the jail.
  const chroot = optString(args.root);
  if (chroot) argv = ['chroot', ...operands(chroot), ...argv];
  const prepend = optString(args.prepend_path);
  if (prepend)
    env.PATH = `${prepend.replace(/:+$/, '')}:${env.PATH ?? process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`;
  const cwd = optString(args.cwd) ?? [home, '/root'].find((d): d is string => !!d && isDir(d)) ?? '/';
  const timeout = Number(args.timeout);
  return {
    ops: {
      ...base,
      argv,
      cwd,
      env,
      ...(args.stdin !== undefined && args.stdin !== null ? { input: String(args.stdin) } : {}),
      ...(timeout > 0 ? { timeoutMs: timeout * 1000 } : {}),
    },
  };
}

/** Runs prepared ops; the outcome is Salt's cmd.run_all shape under changes. */
async function execute(ops: CmdOps, ctx: StateContext): Promise<Outcome> {
  let argv = ops.argv;
  let scratch: string | undefined;
  try {
    if (ops.script !== undefined) {
      scratch = await fsp.mkdtemp(join(tmpdir(), 'halite-script-'));
      const path = join(scratch, 'script');
      await fsp.writeFile(path, ops.script, { mode: 0o700 });
      if (ops.owner) {
        await fsp.chown(scratch, ops.owner.uid, ops.owner.gid ?? -1);
        await fsp.chown(path, ops.owner.uid, ops.owner.gid ?? -1);
      }
      argv = argv.map((a) => (a === SCRIPT ? path : a));
    }
    if (!isDir(ops.cwd))
      return { result: false, changes: {}, comment: `Desired working directory "${ops.cwd}" is not available` };
    const r = await ctx.run(argv, {
      cwd: ops.cwd,
      env: ops.env,
      input: ops.input,
      fd3: shellInput(ops.line),
      timeoutMs: ops.timeoutMs,
      stripFinalNewline: false,
    });
    // A command may have changed anything: nothing read before it can be trusted.
    ctx.facts.clear();
    if (r.error && !r.pid) return { result: false, changes: {}, comment: r.error };
    let retcode = r.code;
    const stdout = r.stdout.trimEnd();
    const stderr = r.stderr.trimEnd();
    if (
      ops.successRetcodes.includes(retcode) ||
      ops.successStdout.includes(stdout.trim()) ||
      ops.successStderr.includes(stderr.trim())
    )
      retcode = 0;
    // Salt: a killed command's result is its name and the limit, with exit code 1
    if (r.timedOut) return timedOut(ops, r.pid);
    const changes: Changes = {
      pid: r.pid,
      retcode,
      stdout: ops.hideOutput ? '' : ctx.redact(stdout),
      stderr: ops.hideOutput ? '' : ctx.redact(stderr),
    };
    const out: Outcome = { result: retcode === 0, changes, comment: ops.ranComment };
    return ops.stateful ? reinterpret(out) : out;
  } finally {
    if (scratch) await fsp.rm(scratch, { recursive: true, force: true });
  }
}

/** A command killed at its `timeout`: failed (unless ignore_timeout), reported as Salt's cmd.run_all does. */
function timedOut(ops: CmdOps, pid: number | undefined): Outcome {
  const retcode = ops.ignoreTimeout ? 0 : 1;
  const seconds = (ops.timeoutMs ?? 0) / 1000;
  const stdout = ops.hideOutput ? '' : `${ops.shown} : Timed out after ${seconds} seconds`;
  return { result: retcode === 0, changes: { pid, retcode, stdout, stderr: '' }, comment: ops.ranComment };
}

async function applyCmd(plan: Plan<CmdOps>, ctx: StateContext): Promise<Outcome> {
  return execute(opsOf(plan), ctx);
}

/** Test mode with stateful test_name: run the test command and report what it says. */
async function testStateful(ops: CmdOps, ctx: StateContext): Promise<Plan<CmdOps>> {
  const out = await execute(ops, ctx);
  const result = out.result !== false;
  if (result && Object.keys(out.changes).length) return pending(out.changes, out.comment, ops);
  return result ? converged(out.comment) : failed(out.comment, out.changes);
}

/**
 * The plan of a command that would run: in test mode, Salt's report — cmd.run names the command in
 * its changes, cmd.script reports none; a `stateful` command (no test_name) reads the empty
 * output of a command that did not run, so it reports neither changes nor a comment.
 */
function wouldRun(ops: CmdOps, comment: string, changes: Changes): Plan<CmdOps> {
  if (ops.stateful) return pending({}, '', ops);
  return pending(changes, comment, ops);
}

async function checkRun(args: ArgsOf<typeof RUN_ARGS>, ctx: StateContext): Promise<Plan<CmdOps>> {
  const tname = testName(args.stateful);
  const name = ctx.test && tname ? tname : args.name;
  const shown = ctx.redact(name);
  const prep = await prepare(args, name, ctx, shown, `Command "${shown}" run`);
  if (prep.error && !(prep.userMissing && ctx.test && !tname)) return failed(prep.error);
  if (ctx.test && tname) return testStateful(prep.ops, ctx);
  return wouldRun(prep.ops, `Command "${shown}" would have been executed`, { cmd: shown });
}

export const run = defineState({
  doc: 'Runs a shell command line (every time, unless unless/onlyif/creates say otherwise)',
  args: RUN_ARGS,
  check: checkRun,
  apply: applyCmd,
  recheck: false,
  modWatch: checkRun,
});

/** cmd.wait does nothing unless a watched state changed; then it is cmd.run. */
const onlyOnWatch = async (): Promise<Plan<CmdOps>> => converged('');

export const wait: StateFunction<CmdOps> = {
  ...run,
  doc: 'Runs a shell command line only when a watched state changed',
  check: onlyOnWatch,
};

async function checkScript(args: ArgsOf<typeof SCRIPT_ARGS>, ctx: StateContext): Promise<Plan<CmdOps>> {
  const tname = testName(args.stateful);
  const name = ctx.test && tname ? tname : args.name;
  const shown = ctx.redact(name);
  const words = name.trim().split(/\s+/);
  const source = args.source ?? words[0];
  const scriptArgs = args.args ?? (words.length > 1 ? name.trim().slice(words[0].length).trim() : '');
  const loaded = loadSource(source, ctx, { template: args.template, context: { ...args.defaults, ...args.context } });
  if (loaded.error !== undefined) {
    return failed(
      loaded.missing ? `Unable to cache script ${source} from saltenv '${ctx.saltenv}'` : ctx.redact(loaded.error),
    );
  }
  const line = scriptArgs ? `exec "$0" ${scriptArgs}` : 'exec "$0"';
  const prep = await prepare(args, line, ctx, shown, `Command '${shown}' run`);
  if (prep.error && !(prep.userMissing && ctx.test && !tname)) return failed(prep.error);
  const ops: CmdOps = { ...prep.ops, argv: [...prep.ops.argv, SCRIPT], script: loaded.text };
  if (ctx.test && tname) return testStateful(ops, ctx);
  return wouldRun(ops, `Command '${shown}' would have been executed`, {});
}

export const script = defineState({
  doc: 'Runs a script from the state tree (optionally a template) with its arguments',
  args: SCRIPT_ARGS,
  check: checkScript,
  apply: applyCmd,
  recheck: false,
  modWatch: checkScript,
});

export const wait_script: StateFunction<CmdOps> = {
  ...script,
  doc: 'Runs a script from the state tree only when a watched state changed',
  check: onlyOnWatch,
};

const cmdModule: StateModule = { run, wait, watch: wait, script, wait_script };
export default cmdModule;
