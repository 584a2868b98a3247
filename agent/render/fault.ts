// Errors raised while compiling or rendering a template, located at the template file and line
// where they happened (an imported file's own line when the fault is inside the import).

export class TemplateFault extends Error {
  /** Tree-relative path of the template the fault is in. */
  file?: string;
  /** 1-based line in that file. */
  line?: number;

  constructor(message: string, where: { file?: string; line?: number; cause?: unknown } = {}) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.name = 'TemplateFault';
    this.file = where.file;
    this.line = where.line;
  }

  /** nunjucks calls Update(path) on errors leaving a template; the location is already set here. */
  Update(): this {
    return this;
  }
}

/** A value that does not exist was printed, iterated, tested or called (Jinja's StrictUndefined). */
export function undefinedFault(message: string | undefined): TemplateFault {
  return new TemplateFault(message ?? 'Jinja error: a value is undefined');
}

/** Strips nunjucks' internal prefixes ("parseFrom: ", "(path) [Line n]") from a message. */
export function cleanMessage(message: string): string {
  return message
    .replace(/^\([^)]*\)(?:\s*\[Line \d+(?:, Column \d+)?\])?\s*/, '')
    .replace(/^(?:Template render error:\s*)+/, '')
    .replace(/^(?:Error|TypeError|RangeError|SyntaxError):\s*/, '')
    .replace(/^(?:parse\w+|compile\w+|advanceAfter\w+):\s*/, '')
    .trim();
}

/**
 * Locates an error thrown by template code: a fault keeps the innermost location it already has;
 * anything else becomes a fault at (file, line).
 */
export function locate(err: unknown, file: string, line: number | undefined): TemplateFault {
  if (err instanceof TemplateFault) {
    if (err.file === undefined) err.file = file;
    if (err.line === undefined) err.line = line;
    return err;
  }
  const e = err as { message?: unknown; lineno?: unknown; name?: unknown } | null;
  const raw = e && typeof e.message === 'string' ? e.message : String(err);
  const isTemplateError = e?.name === 'Template render error';
  const ownLine = isTemplateError && typeof e?.lineno === 'number' && e.lineno > 0 ? e.lineno : undefined;
  const text = cleanMessage(raw);
  const message = isTemplateError && ownLine !== undefined ? `Jinja syntax error: ${text}` : `Jinja error: ${text}`;
  return new TemplateFault(message, { file, line: ownLine ?? line, cause: err });
}
