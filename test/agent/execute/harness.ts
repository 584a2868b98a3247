// Shared by the executor tests: compile an SLS text and run it.
import { compileHighstate } from '../../../agent/compile/highstate.ts';
import { MemTree } from '../../../agent/store/tree.ts';
import { silentLogger } from '../../../agent/states/context.ts';
import { executeChunks, type ExecuteOptions } from '../../../agent/execute/executor.ts';
import type { LowChunk, StateResult } from '../../../agent/protocol.ts';
import { makeTag } from '../../../agent/protocol.ts';

export function compile(sls: string): LowChunk[] {
  const tree = new MemTree({ 'main.sls': sls });
  const out = compileHighstate({ tree, ctx: { grains: { id: 'h1' }, pillar: {}, saltenv: 'base' }, sls: ['main'] });
  if (out.errors.length) throw new Error(out.errors.map((e) => e.message).join('\n'));
  return out.chunks;
}

export interface Run {
  results: StateResult[];
  stopped: boolean;
  /** Result by ID (the first chunk of that ID). */
  byId(id: string): StateResult;
  /** IDs in run order. */
  order(): string[];
}

export async function run(sls: string, opts: ExecuteOptions = {}): Promise<Run> {
  const chunks = compile(sls);
  const out = await executeChunks(chunks, { ...opts, context: { log: silentLogger, ...opts.context } });
  return {
    ...out,
    byId(id) {
      const r = out.results.find((x) => x.id === id);
      if (!r) throw new Error(`no result for ${id}: ${out.results.map((x) => x.id).join(', ')}`);
      return r;
    },
    order: () => out.results.map((r) => r.id),
  };
}

/** A hand-made chunk (for modules the compiler does not know). */
export function chunk(
  state: string,
  id: string,
  fun: string,
  args: Record<string, unknown> = {},
  more: Partial<LowChunk> = {},
): LowChunk {
  const name = typeof args.name === 'string' ? args.name : id;
  const { name: _n, ...rest } = args;
  return {
    tag: makeTag(state, id, name, fun),
    state,
    fun,
    id,
    name,
    sls: 'main',
    env: 'base',
    order: 10000,
    args: rest,
    meta: {},
    requisites: {},
    ...more,
  };
}
