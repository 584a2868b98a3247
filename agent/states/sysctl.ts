// sysctl.present: a kernel parameter set now (`sysctl -w`) and kept across boots in a
// sysctl.d file (default /etc/sysctl.d/99-halite.conf). Comments and changes are Salt's.
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { readOrEmpty } from '../store/read-text.ts';
import { parseSysctlConf, procPath, sameValue, setSysctlConf, sysctlFact } from '../facts/sysctl.ts';
import { operands, refuseOptionLike } from '../process/operands.ts';

export const DEFAULT_CONFIG = '/etc/sysctl.d/99-halite.conf';

export interface SysctlOps {
  name: string;
  value: string;
  config: string;
  /** New config text, when the file must change. */
  content?: string;
  /** The running value must be set. */
  assign: boolean;
}

/** A value as written in YAML: lists (ip_local_port_range) become space-separated. */
function valueArg(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String).join(' ');
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

const ARGS = declareArgs({
  value: {
    type: 'any',
    required: true,
    doc: 'The value; a list (ip_local_port_range) is joined with spaces, a bool is 1 or 0',
  },
  config: { type: 'string', default: DEFAULT_CONFIG, doc: 'The sysctl.d file the value is kept in across boots' },
});

async function check(args: ArgsOf<typeof ARGS>, ctx: StateContext): Promise<Plan<SysctlOps>> {
  const name = args.name;
  const invalid = refuseOptionLike('sysctl name', name);
  if (invalid) return failed(invalid);
  const value = valueArg(args.value);
  if (value === undefined) return failed(`Missing value for sysctl ${name}`);
  const config = args.config;
  const text = await readOrEmpty(join(ctx.root, config));
  const configured = parseSysctlConf(text).get(name);
  const current = await ctx.facts.get(sysctlFact, name);
  const inConfig = configured !== undefined && sameValue(configured, value);
  const running = current !== null && sameValue(current, value);
  if (inConfig && running) return converged(`Sysctl value ${name} = ${value} is already set`);
  if (current === null && !ctx.test) return failed(`Failed to set ${name} to ${value}: sysctl ${name} does not exist`);
  const ops: SysctlOps = {
    name,
    value,
    config,
    assign: !running,
    ...(inConfig ? {} : { content: setSysctlConf(text, name, value) }),
  };
  let comment: string;
  if (current === null) comment = `Sysctl option ${name} would be changed to ${value}`;
  else if (configured === undefined && running)
    comment = `Sysctl value is currently set on the running system but not in a config file. Sysctl option ${name} set to be changed to ${value} in config file.`;
  else if (inConfig)
    comment = `Sysctl value ${name} is present in configuration file but is not present in the running config. The value ${name} is set to be changed to ${value}`;
  else comment = `Sysctl option ${name} set to be changed to ${value}`;
  return pending({}, comment, ops);
}

/** On the host, `sysctl -w`; under another root, the value is written to its proc/sys file. */
async function assign(ops: SysctlOps, ctx: StateContext): Promise<string | undefined> {
  if (ctx.root === '/') {
    const r = await ctx.run(['sysctl', '-w', ...operands(`${ops.name}=${ops.value}`)]);
    return r.code === 0 ? undefined : (r.stderr || r.stdout || r.error || `sysctl exited with ${r.code}`).trim();
  }
  try {
    await fsp.writeFile(join(ctx.root, procPath(ops.name)), `${ops.value}\n`);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

async function apply(plan: Plan<SysctlOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  try {
    if (ops.content !== undefined) {
      const file = join(ctx.root, ops.config);
      await fsp.mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, ops.content, {});
      ctx.facts.invalidatePath(ops.config);
    }
  } catch (e) {
    return {
      result: false,
      changes: {},
      comment: `Failed to set ${ops.name} to ${ops.value}: ${(e as Error).message}`,
    };
  }
  if (ops.assign) {
    const err = await assign(ops, ctx);
    ctx.facts.invalidate(sysctlFact, ops.name);
    if (err) return { result: false, changes: {}, comment: `Failed to set ${ops.name} to ${ops.value}: ${err}` };
  }
  return { changes: { [ops.name]: ops.value }, comment: `Updated sysctl value ${ops.name} = ${ops.value}` };
}

export const present = defineState({
  doc: 'A kernel parameter is set now (sysctl -w) and in a sysctl.d file for the next boot',
  args: ARGS,
  check,
  apply,
});

const sysctlModule: StateModule = { present };
export default sysctlModule;
