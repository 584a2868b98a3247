// Located compiler errors: file, line and ID are set only when known.
import type { ErrorCode, ErrorData } from '../errors.ts';

export interface Where {
  file?: string;
  line?: number;
  id?: string;
}

export function compileError(code: ErrorCode, message: string, where: Where = {}): ErrorData {
  const e: ErrorData = { code, message };
  if (where.file !== undefined) e.file = where.file;
  if (where.line !== undefined) e.line = where.line;
  if (where.id !== undefined) e.id = where.id;
  return e;
}
