// service.running / dead / enabled / disabled and the watch reaction, with Salt's comments
// and changes. The service manager (systemd or SysV init) is chosen per host.
import type { Changes, Outcome, Plan, StateArgs, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { serviceBackend } from '../backends/init.ts';
import { serviceNameError, type ServiceAction, type ServiceBackend } from '../backends/service-backend.ts';
import type { ServiceState } from '../facts/services.ts';
import { diagnose } from '../backends/service-diagnosis.ts';

type Goal = 'running' | 'dead' | 'enabled' | 'disabled' | 'watch';

export interface ServiceOps {
  goal: Goal;
  name: string;
  /** What to do to the process (running/dead/watch); none when only the boot setting changes. */
  action?: ServiceAction;
  /** The boot setting wanted afterwards: true enable, false disable. */
  enable?: boolean;
  initDelay?: number;
  /** Status before apply, to tell whether the action changed anything. */
  before: { running: boolean; enabled: boolean };
  /** Salt's `sig`: running means a process whose command line matches this. */
  sig?: string;
  /** Watch: stop before starting, and the words for the comment. */
  stopFirst?: boolean;
  verb?: string;
  participle?: string;
}

const PROCESS_ARGS = declareArgs({
  enable: {
    type: 'bool',
    doc: 'Also enable (true) or disable (false) the service at boot; unset leaves the boot setting alone',
  },
  sig: {
    type: 'string',
    doc: 'Running means a process whose command line matches this (pgrep -f), not what the init system says',
  },
  init_delay: {
    type: 'seconds',
    doc: 'Seconds to wait after a start before checking that the service runs (default 1 s)',
  },
  enabled: { type: 'any', doc: 'Not an option: the state fails, pointing to enable' },
  no_block: {
    type: 'bool',
    default: false,
    doc: "Don't wait for the start or stop to finish",
    unsupported: 'the init system is always waited for',
  },
});

const RUNNING_ARGS = declareArgs({
  ...PROCESS_ARGS,
  reload: { type: 'bool', default: false, doc: 'On watch, reload a running service instead of restarting it' },
  force: { type: 'bool', default: false, doc: 'With reload, force-reload' },
  full_restart: { type: 'bool', default: false, doc: 'On watch, stop then start instead of restart' },
  unmask: {
    type: 'bool',
    default: false,
    doc: 'Unmask a masked unit first',
    unsupported: 'masked units are not unmasked',
  },
  unmask_runtime: {
    type: 'bool',
    default: false,
    doc: 'Unmask a runtime-masked unit first',
    unsupported: 'masked units are not unmasked',
  },
  timeout: {
    type: 'int',
    default: 10,
    doc: 'Seconds to wait for the service to start (Windows)',
    unsupported: 'Windows only',
  },
});

const BOOT_ARGS = declareArgs({
  skip_verify: {
    type: 'bool',
    default: false,
    doc: "Don't check that the service exists",
    unsupported: 'the service is always looked up',
  },
});

type ProcessArgs = ArgsOf<typeof PROCESS_ARGS>;
type RunningArgs = ArgsOf<typeof RUNNING_ARGS>;

/**
 * Seconds to wait after a start, restart or reload before checking that the service runs: a
 * daemon with a broken configuration often forks happily and dies a moment later. `init_delay`
 * when given, else this.
 */
export const DEFAULT_SETTLE_SEC = 1;
const settleOf = (ops: ServiceOps): number => ops.initDelay ?? DEFAULT_SETTLE_SEC;
/**
 * A service not yet running when the settle time is up is looked at again for this long before
 * the state fails: on a loaded host an init script can return before its daemon shows up. A daemon
 * that died stays dead, so this delays a failure without hiding it.
 */
export const START_GRACE_SEC = 5;
const GRACE_POLL_SEC = 0.5;

/** With `sig`, a service runs when a process command line matches it (`pgrep -f`), as in Salt. */
async function withSig(st: ServiceState, sig: string | undefined, ctx: StateContext): Promise<ServiceState> {
  if (!sig || !st.available) return st;
  const r = await ctx.run(['pgrep', '-f', '--', sig]);
  return { ...st, running: r.code === 0 };
}

/** The service's state; a service reported missing is looked up again (a package may just have installed it). */
async function lookup(backend: ServiceBackend, name: string, ctx: StateContext, sig?: string): Promise<ServiceState> {
  const st = await backend.state(name, ctx);
  if (st.available) return withSig(st, sig, ctx);
  ctx.facts.invalidate('services');
  return withSig(await backend.state(name, ctx), sig, ctx);
}

const notAvailable = (name: string): string => `The named service ${name} is not available`;
const enabledError = (name: string): string =>
  `Service ${name} uses non-existent option "enabled".  Perhaps "enable" option was intended?`;

/** The boot-setting part of a check: converged when it already holds. */
function toggleNeeded(want: boolean | undefined, st: ServiceState): boolean {
  return want !== undefined && st.enabled !== want;
}

/** What running and dead say and do; the rest of their check is the same. */
interface ProcessGoal {
  goal: 'running' | 'dead';
  running: boolean;
  action: ServiceAction;
  already: (name: string) => string;
  toDo: (name: string) => string;
  /** In test mode a pending requisite (its package, its unit file) may still create the service. */
  mayAppear: (name: string) => string;
  missing: (name: string) => Plan<ServiceOps>;
}

const RUNNING: ProcessGoal = {
  goal: 'running',
  running: true,
  action: 'start',
  already: (name) => `The service ${name} is already running`,
  toDo: (name) => `Service ${name} is set to start`,
  mayAppear: (name) => `Service ${name} is set to start`,
  missing: (name) => failed(notAvailable(name)),
};

const DEAD: ProcessGoal = {
  goal: 'dead',
  running: false,
  action: 'stop',
  already: (name) => `The service ${name} is already dead`,
  toDo: (name) => `Service ${name} is set to be killed`,
  mayAppear: (name) => `Service ${name} not present; if created in this state run, it would have been stopped`,
  // A service that does not exist is not running: nothing to do.
  missing: (name) => converged(notAvailable(name)),
};

function checkProcess(g: ProcessGoal): (args: ProcessArgs, ctx: StateContext) => Promise<Plan<ServiceOps>> {
  return async (args, ctx) => {
    const name = args.name;
    const invalid = serviceNameError(name);
    if (invalid) return failed(invalid);
    if (args.enabled !== undefined) return failed(enabledError(name));
    const { enable, sig } = args;
    const st = await lookup(serviceBackend(ctx), name, ctx, sig);
    const ops: ServiceOps = {
      goal: g.goal,
      name,
      enable,
      sig,
      initDelay: args.init_delay,
      before: { running: st.running, enabled: st.enabled },
    };
    if (!st.available) {
      if (ctx.test && ctx.pendingRequisites?.length)
        return pending({}, g.mayAppear(name), { ...ops, action: g.action });
      return g.missing(name);
    }
    if (st.running !== g.running) return pending({}, g.toDo(name), { ...ops, action: g.action });
    if (!toggleNeeded(enable, st)) return converged(g.already(name));
    return pending({}, `Service ${name} set to be ${enable ? 'enabled' : 'disabled'}`, ops);
  };
}

function checkBoot(want: boolean): (args: ArgsOf<typeof BOOT_ARGS>, ctx: StateContext) => Promise<Plan<ServiceOps>> {
  return async (args, ctx) => {
    const name = args.name;
    const invalid = serviceNameError(name);
    if (invalid) return failed(invalid);
    const word = want ? 'enabled' : 'disabled';
    const backend = serviceBackend(ctx);
    const st = await lookup(backend, name, ctx);
    const ops: ServiceOps = {
      goal: want ? 'enabled' : 'disabled',
      name,
      enable: want,
      before: { running: st.running, enabled: st.enabled },
    };
    if (!st.available) {
      if (ctx.test && ctx.pendingRequisites?.length) return pending({}, `Service ${name} set to be ${word}`, ops);
      return want ? failed(notAvailable(name)) : converged(notAvailable(name));
    }
    if (st.enabled === want) return converged(`Service ${name} is already ${word}, and is in the desired state`);
    return pending({}, `Service ${name} set to be ${word}`, ops);
  };
}

/** Salt's _enable/_disable after the process part: `started` true/false, or null when it was already as wanted. */
async function toggle(
  want: boolean,
  name: string,
  started: boolean | null,
  result: boolean,
  backend: ServiceBackend,
  ctx: StateContext,
): Promise<{ result: boolean; comment: string; changes?: Changes }> {
  const word = want ? 'enabled' : 'disabled';
  const tail = started === true ? 'and is running' : started === null ? 'and is in the desired state' : 'and is dead';
  const st = await backend.state(name, ctx);
  if (!st.available) return { result: !want, comment: notAvailable(name) };
  if (st.enabled === want) {
    return {
      result,
      comment: `Service ${name} is already ${word}, ${tail}`,
      ...(started === null ? { changes: {} } : {}),
    };
  }
  const r = await backend.run(want ? 'enable' : 'disable', name, ctx);
  if (r.ok) {
    const after = await backend.state(name, ctx);
    return {
      result,
      comment: `Service ${name} has been ${word}, ${tail}`,
      changes: after.enabled === want ? { [name]: true } : {},
    };
  }
  const what = want ? 'start' : 'not start';
  let comment =
    started === true
      ? want
        ? `Failed when setting service ${name} to start at boot, but the service is running`
        : `Failed when setting service ${name} to not start at boot, and is running`
      : started === null
        ? `Failed when setting service ${name} to ${what} at boot, but the service was already running`
        : `Failed when setting service ${name} to ${what} at boot, and the service is dead`;
  if (r.error) comment += `. Additional information follows:\n\n${r.error}`;
  return { result: false, comment };
}

const sleep = (s: number): Promise<void> => new Promise((res) => setTimeout(res, s * 1000));

/**
 * The state after a start, restart or reload: rechecked until it runs, for START_GRACE_SEC at most.
 * A service found stopped after a restart is started once more: an init script whose `restart` is
 * `stop; start` with a stop that does not wait (Debian's chrony) sees the old daemon still exiting,
 * starts nothing, and leaves the service down.
 */
async function runningAfterStart(
  backend: ReturnType<typeof serviceBackend>,
  name: string,
  sig: string | undefined,
  ctx: StateContext,
  restarted = false,
): Promise<ServiceState> {
  let st = await withSig(await backend.recheck(name, ctx), sig, ctx);
  let startAgain = restarted;
  for (let waited = 0; !st.running && waited < START_GRACE_SEC && !ctx.signal?.aborted; waited += GRACE_POLL_SEC) {
    if (startAgain) {
      startAgain = false;
      await backend.run('start', name, ctx);
    } else await sleep(GRACE_POLL_SEC);
    st = await withSig(await backend.recheck(name, ctx), sig, ctx);
  }
  return st;
}

async function applyService(plan: Plan<ServiceOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const { name } = ops;
  const backend = serviceBackend(ctx);
  let out: { result: boolean; comment: string; changes: Changes };

  if (ops.goal === 'watch') {
    if (ops.stopFirst) await backend.run('stop', name, ctx);
    const r = await backend.run(ops.action as ServiceAction, name, ctx);
    if (ops.action === 'stop') {
      if (ops.initDelay) await sleep(ops.initDelay);
      return {
        ...(r.ok ? {} : { result: false }),
        changes: { [name]: r.ok },
        comment: r.ok ? `Service ${ops.participle}` : `Failed to ${ops.verb} the service`,
      };
    }
    // a restart or reload that "succeeded" may have left the service dead (a broken config)
    const settle = settleOf(ops);
    if (r.ok && settle > 0) await sleep(settle);
    const restarted = ops.action === 'restart' || ops.action === 'full-restart';
    const after = r.ok ? await runningAfterStart(backend, name, ops.sig, ctx, restarted) : undefined;
    if (r.ok && after?.running) return { changes: { [name]: true }, comment: `Service ${ops.participle}` };
    const why = r.ok
      ? `the service is not running ${settle + START_GRACE_SEC} s after the ${ops.verb}`
      : ctx.redact(r.error ?? 'the command failed');
    return {
      result: false,
      changes: { [name]: false },
      comment: `Failed to ${ops.verb} the service: ${why}\n${await diagnose(backend.kind, name, ctx)}`,
    };
  }

  if (!ops.action) {
    // Only the boot setting differs (or enabled/disabled).
    const t = await toggle(ops.enable as boolean, name, null, true, backend, ctx);
    return { ...(t.result ? {} : { result: false }), changes: t.changes ?? {}, comment: t.comment };
  }

  const starting = ops.action === 'start';
  const r = await backend.run(ops.action, name, ctx);
  if (!r.ok) {
    out = {
      result: false,
      comment: starting ? `Service ${name} failed to start` : `Service ${name} failed to die`,
      changes: {},
    };
    if (r.error) out.comment += `: ${ctx.redact(r.error)}`;
    // why it did not start stays in the comment, whatever the boot setting part says
    const why = starting ? `\n${await diagnose(backend.kind, name, ctx)}` : '';
    if (ops.enable !== undefined) {
      const t = await toggle(ops.enable, name, !starting, false, backend, ctx);
      out = {
        result: t.result,
        comment: `${t.comment}${t.comment === out.comment ? '' : `\n${out.comment}`}`,
        changes: t.changes ?? out.changes,
      };
    }
    return { result: false, changes: out.changes, comment: `${out.comment}${why}` };
  }
  const settle = starting ? settleOf(ops) : (ops.initDelay ?? 0);
  if (settle > 0) await sleep(settle);
  const after = starting
    ? await runningAfterStart(backend, name, ops.sig, ctx)
    : await withSig(settle > 0 ? await backend.recheck(name, ctx) : await backend.state(name, ctx), ops.sig, ctx);
  const changes: Changes = {};
  if (after.enabled !== ops.before.enabled || after.running !== ops.before.running) changes[name] = after.running;
  const ok = starting ? after.running : !after.running;
  const failure = starting
    ? `Service ${name} failed to start: it is not running ${settle + START_GRACE_SEC} s after the start`
    : `Service ${name} failed to die`;
  out = {
    result: ok,
    changes,
    comment: ok ? (starting ? `Started service ${name}` : `Service ${name} was killed`) : failure,
  };
  if (ops.enable !== undefined) {
    const t = await toggle(ops.enable, name, after.running, ok, backend, ctx);
    out = { result: t.result, comment: ok ? t.comment : `${t.comment}\n${failure}`, changes: t.changes ?? out.changes };
  }
  if (ops.initDelay && starting) out.comment += `\nDelayed return for ${ops.initDelay} seconds`;
  if (!ok && starting) out.comment += `\n${await diagnose(backend.kind, name, ctx)}`;
  return { ...(out.result ? {} : { result: false }), changes: out.changes, comment: out.comment };
}

/** Salt's mod_watch: restart (or reload / full restart) a running service, start a stopped one. */
async function modWatch(args: ProcessArgs & Partial<RunningArgs>, ctx: StateContext): Promise<Plan<ServiceOps>> {
  const name = args.name;
  const invalid = serviceNameError(name);
  if (invalid) return failed(invalid);
  // Salt's mod_watch takes the watching function as sfun; here it is the chunk's function
  const sfun = (args as unknown as StateArgs).sfun ?? ctx.chunk?.fun ?? 'running';
  const backend = serviceBackend(ctx);
  const st = await lookup(backend, name, ctx, args.sig);
  const base: ServiceOps = {
    goal: 'watch',
    name,
    initDelay: args.init_delay,
    before: { running: st.running, enabled: st.enabled },
  };
  let ops: ServiceOps;
  if (sfun === 'dead') {
    if (!st.running) return converged('Service is already stopped');
    ops = { ...base, action: 'stop', verb: 'stop', participle: 'stopped' };
  } else if (sfun === 'running') {
    if (!st.running) ops = { ...base, action: 'start', verb: 'start', participle: 'started', stopFirst: true };
    else if (args.reload) {
      ops = args.force
        ? { ...base, action: 'force-reload', verb: 'forcefully reload', participle: 'forcefully reloaded' }
        : { ...base, action: 'reload', verb: 'reload', participle: 'reloaded' };
    } else if (args.full_restart)
      ops = { ...base, action: 'full-restart', verb: 'fully restart', participle: 'fully restarted' };
    else ops = { ...base, action: 'restart', verb: 'restart', participle: 'restarted' };
  } else {
    return failed(`Unable to trigger watch for service.${sfun}`);
  }
  return pending({}, ctx.test ? `Service is set to be ${ops.participle}` : `Service ${ops.participle}`, ops);
}

export const running = defineState({
  doc: 'The service is running (and, with enable, set to start at boot or not); a watch restarts or reloads it',
  args: RUNNING_ARGS,
  check: checkProcess(RUNNING),
  apply: applyService,
  modWatch,
});
export const dead = defineState({
  doc: 'The service is stopped (and, with enable, set to start at boot or not); a watch stops it',
  args: PROCESS_ARGS,
  check: checkProcess(DEAD),
  apply: applyService,
  modWatch,
});
export const enabled = defineState({
  doc: 'The service starts at boot; whether it runs now is left alone',
  args: BOOT_ARGS,
  check: checkBoot(true),
  apply: applyService,
});
export const disabled = defineState({
  doc: 'The service does not start at boot; whether it runs now is left alone',
  args: BOOT_ARGS,
  check: checkBoot(false),
  apply: applyService,
});

const serviceModule: StateModule = { running, dead, enabled, disabled };
export default serviceModule;
