// Coded errors for render, compile, transport and internal faults.
// A failing state is data (result:false); these are for everything else.

export type ErrorCode =
  | 'RENDER_TEMPLATE' // nunjucks/Jinja error
  | 'RENDER_YAML' // YAML syntax error after templating
  | 'SLS_NOT_FOUND' // an SLS named by top/include/sls that does not exist
  | 'SLS_STRUCTURE' // valid YAML that is not a valid SLS (wrong types, bad declarations)
  | 'DUPLICATE_ID' // same ID declared in two SLS files
  | 'REQUISITE_MISSING' // requisite on a state that does not exist
  | 'REQUISITE_MALFORMED' // requisite that is not of a valid form
  | 'REQUISITE_CYCLE' // requisite cycle (the message prints the path)
  | 'EXTEND_MISSING' // extend of an ID that does not exist
  | 'UNKNOWN_FUNCTION' // state function that no module provides
  | 'TOP' // top file errors (bad matcher, bad structure)
  | 'PILLAR' // pillar rendering errors
  | 'ROSTER' // roster validation
  | 'CONFIG' // master config validation
  | 'TRANSPORT' // SSH and connection faults
  | 'BOOTSTRAP' // the host cannot run the agent: no Node.js >= 18 (or its install failed), the bootstrap line failed, or the login lacks the rights (sudo)
  | 'LOCKED' // another run holds the host's lock
  | 'PROTOCOL' // a host broke the agent protocol: an invalid event, a line or output over the limits, another host's identity
  | 'TIMEOUT' // a host's command or run did not finish in the time allowed, or the host fell silent; it was stopped
  | 'INTERRUPTED' // the job was stopped (Ctrl-C, SIGTERM, the master ended) before the host's run finished
  | 'INTERNAL';

/** Every ErrorCode, for checking what a host sends. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'RENDER_TEMPLATE',
  'RENDER_YAML',
  'SLS_NOT_FOUND',
  'SLS_STRUCTURE',
  'DUPLICATE_ID',
  'REQUISITE_MISSING',
  'REQUISITE_MALFORMED',
  'REQUISITE_CYCLE',
  'EXTEND_MISSING',
  'UNKNOWN_FUNCTION',
  'TOP',
  'PILLAR',
  'ROSTER',
  'CONFIG',
  'TRANSPORT',
  'BOOTSTRAP',
  'LOCKED',
  'PROTOCOL',
  'TIMEOUT',
  'INTERRUPTED',
  'INTERNAL',
];

export interface ErrorData {
  code: ErrorCode;
  message: string;
  file?: string;
  line?: number;
  /** The state ID (or roster host/field) the error concerns. */
  id?: string;
  host?: string;
}

export class HaliteError extends Error implements ErrorData {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly line?: number;
  readonly id?: string;
  readonly host?: string;

  constructor(data: ErrorData) {
    super(data.message);
    this.name = 'HaliteError';
    this.code = data.code;
    this.file = data.file;
    this.line = data.line;
    this.id = data.id;
    this.host = data.host;
  }

  toJSON(): ErrorData {
    return errorData(this);
  }
}

export function errorData(e: ErrorData): ErrorData {
  const out: ErrorData = { code: e.code, message: e.message };
  if (e.file !== undefined) out.file = e.file;
  if (e.line !== undefined) out.line = e.line;
  if (e.id !== undefined) out.id = e.id;
  if (e.host !== undefined) out.host = e.host;
  return out;
}

/** One line: `file:line: message [ID id] (CODE)` — the form every error is printed in. */
export function formatError(e: ErrorData): string {
  const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}: ` : '';
  const host = e.host ? `${e.host}: ` : '';
  const id = e.id ? ` [ID ${e.id}]` : '';
  return `${host}${where}${e.message}${id} (${e.code})`;
}

/** Converts anything thrown into ErrorData without losing a HaliteError's fields. */
export function toErrorData(err: unknown, fallback: Partial<ErrorData> = {}): ErrorData {
  if (err instanceof HaliteError) return errorData(err);
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', ...fallback, message };
}
