// What the master accepts from a VM: every line of the exchange is checked against the shape of
// its message (agent/protocol.ts) before anything reads it. A message that does not fit is refused
// with a sentence saying which field is wrong; the exchange then stops that host (push-exchange.ts).
import { ERROR_CODES, type ErrorData } from '../../agent/errors.ts';
import type { AgentEvent, RunSummary, StateResult, WireMessage } from '../../agent/protocol.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

type Obj = Record<string, unknown>;
type FieldKind = 'string' | 'int' | 'number' | 'boolean' | 'object' | 'array';

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOk(v: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'int':
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0;
    case 'boolean':
      return typeof v === 'boolean';
    case 'object':
      return isObj(v);
    case 'array':
      return Array.isArray(v);
  }
}

const KIND_NAMES: Record<FieldKind, string> = {
  string: 'a string',
  int: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a map',
  array: 'a list',
};

/** The first field of `o` that is missing or of the wrong kind, as a sentence; undefined when all fit. */
function fieldProblem(
  o: Obj,
  required: Record<string, FieldKind>,
  optional: Record<string, FieldKind> = {},
): string | undefined {
  const missing = Object.keys(required).filter((k) => o[k] === undefined);
  if (missing.length) return `missing ${missing.map((k) => `'${k}'`).join(', ')}`;
  for (const [k, kind] of Object.entries({ ...required, ...optional })) {
    if (o[k] !== undefined && !kindOk(o[k], kind)) return `'${k}' is not ${KIND_NAMES[kind]}`;
  }
  return undefined;
}

const RESULT_FIELDS = {
  tag: 'string',
  id: 'string',
  name: 'string',
  sls: 'string',
  changes: 'object',
  comment: 'string',
  start_time: 'string',
  duration_ms: 'number',
  run_num: 'int',
} as const;
const SUMMARY_FIELDS = {
  succeeded: 'int',
  failed: 'int',
  changed: 'int',
  total: 'int',
  duration_ms: 'number',
  test: 'boolean',
  stopped: 'boolean',
} as const;
const ERROR_FIELDS = { code: 'string', message: 'string' } as const;
const ERROR_OPTIONAL = { file: 'string', line: 'int', id: 'string', host: 'string' } as const;

function resultProblem(o: Obj): string | undefined {
  const p = fieldProblem(o, RESULT_FIELDS, { warnings: 'array' });
  if (p) return p;
  if (o.result !== true && o.result !== false && o.result !== null) return `'result' is not true, false or null`;
  if (Array.isArray(o.warnings) && !o.warnings.every((w) => typeof w === 'string'))
    return `'warnings' is not a list of strings`;
  return undefined;
}

function errorProblem(e: unknown): string | undefined {
  if (!isObj(e)) return `'error' is not a map`;
  const p = fieldProblem(e, ERROR_FIELDS, ERROR_OPTIONAL);
  if (p) return `error ${p}`;
  return (ERROR_CODES as readonly string[]).includes(e.code as string)
    ? undefined
    : `error code '${String(e.code).slice(0, 40)}' is not one halite knows`;
}

/** Checks one AgentEvent (already JSON-parsed, with a `type` of an event). */
export function checkEvent(v: Obj): Checked<AgentEvent> {
  let problem: string | undefined;
  switch (v.type) {
    case 'start':
      problem = fieldProblem(
        v,
        { jid: 'string', host: 'string', chunks: 'int', test: 'boolean' },
        { addresses: 'array', grains: 'object' },
      );
      break;
    case 'result':
      problem = resultProblem(v);
      break;
    case 'done':
      problem = fieldProblem(v, { jid: 'string', host: 'string', summary: 'object' });
      if (!problem) {
        const p = fieldProblem(v.summary as Obj, SUMMARY_FIELDS);
        if (p) problem = `summary ${p}`;
      }
      break;
    case 'error':
      problem = fieldProblem(v, { jid: 'string', host: 'string', error: 'object' }) ?? errorProblem(v.error);
      break;
    default:
      problem = 'unknown event type';
  }
  return problem ? { ok: false, problem: `invalid ${String(v.type)} event: ${problem}` } : { ok: true, value: pick(v) };
}

/** Only the fields of the protocol travel on: anything else an agent adds is left behind. */
function pick(v: Obj): AgentEvent {
  switch (v.type) {
    case 'start': {
      const { jid, host, chunks, test, addresses, grains } = v;
      return {
        type: 'start',
        jid,
        host,
        chunks,
        test,
        ...(addresses !== undefined ? { addresses } : {}),
        ...(grains !== undefined ? { grains } : {}),
      } as AgentEvent;
    }
    case 'result': {
      const r: StateResult = {
        tag: v.tag as string,
        id: v.id as string,
        name: v.name as string,
        sls: v.sls as string,
        result: v.result as StateResult['result'],
        changes: v.changes as Obj,
        comment: v.comment as string,
        start_time: v.start_time as string,
        duration_ms: v.duration_ms as number,
        run_num: v.run_num as number,
        ...(v.warnings !== undefined ? { warnings: v.warnings as string[] } : {}),
      };
      return { type: 'result', ...r };
    }
    case 'done': {
      const s = v.summary as Obj;
      const summary = Object.fromEntries(Object.keys(SUMMARY_FIELDS).map((k) => [k, s[k]])) as unknown as RunSummary;
      return { type: 'done', jid: v.jid as string, host: v.host as string, summary };
    }
    default: {
      const e = v.error as Obj;
      const error = Object.fromEntries(
        ['code', 'message', ...Object.keys(ERROR_OPTIONAL)].filter((k) => e[k] !== undefined).map((k) => [k, e[k]]),
      ) as unknown as ErrorData;
      return { type: 'error', jid: v.jid as string, host: v.host as string, error };
    }
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
/** More files than any state tree the master would send in one job. */
export const MAX_NEED_FILES = 100_000;

/** Checks one of the exchange's other messages (need-agent, need-node, hello, need-files, alive, last-job). */
export function checkWireMessage(v: Obj): Checked<WireMessage> {
  let problem: string | undefined;
  switch (v.type) {
    case 'need-agent':
      problem = fieldProblem(v, { bytes: 'int' });
      break;
    case 'need-node':
      problem = fieldProblem(v, {}, { found: 'string' });
      break;
    case 'hello':
      problem = fieldProblem(v, { node: 'string', agent: 'string', pid: 'int' });
      break;
    case 'need-files':
      problem = fieldProblem(v, { hashes: 'array' });
      if (!problem && (v.hashes as unknown[]).length > MAX_NEED_FILES) problem = `more than ${MAX_NEED_FILES} hashes`;
      if (!problem && !(v.hashes as unknown[]).every((h) => typeof h === 'string' && SHA256.test(h)))
        problem = `'hashes' holds something that is not a sha256`;
      break;
    case 'alive':
      break;
    case 'last-job':
      problem = fieldProblem(v, { jid: 'string', events: 'array' });
      if (!problem && !(v.events as unknown[]).every((e) => typeof e === 'string'))
        problem = `'events' holds something that is not a line`;
      break;
    default:
      problem = 'unknown message type';
  }
  if (problem) return { ok: false, problem: `invalid ${String(v.type)} message: ${problem}` };
  switch (v.type) {
    case 'need-agent':
      return { ok: true, value: { type: 'need-agent', bytes: v.bytes as number } };
    case 'need-node':
      return { ok: true, value: { type: 'need-node', ...(v.found !== undefined ? { found: v.found as string } : {}) } };
    case 'hello':
      return {
        ok: true,
        value: { type: 'hello', node: v.node as string, agent: v.agent as string, pid: v.pid as number },
      };
    case 'need-files':
      return { ok: true, value: { type: 'need-files', hashes: v.hashes as string[] } };
    case 'last-job':
      return { ok: true, value: { type: 'last-job', jid: v.jid as string, events: v.events as string[] } };
    default:
      return { ok: true, value: { type: 'alive' } };
  }
}
