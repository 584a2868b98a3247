// Collects validation errors for fields of a YAML file, each naming file, line and field.
import type { ErrorCode, ErrorData } from '../../agent/errors.ts';
import { type KeyPath, type YamlSource, describe } from './yaml-source.ts';

/** `ssh.port`, `roles[2]`. */
export function fieldName(path: KeyPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

export class FieldCheck {
  constructor(
    private readonly src: YamlSource,
    private readonly code: ErrorCode,
    /** Path prefix not shown in field names (a roster entry's host id). */
    private readonly base: KeyPath = [],
    private readonly host?: string,
    readonly errors: ErrorData[] = [],
    readonly warnings: ErrorData[] = [],
  ) {}

  /** A checker for the entry at `base` naming `host`; errors and warnings are shared with this one. */
  forHost(base: KeyPath, host: string): FieldCheck {
    return new FieldCheck(this.src, this.code, base, host, this.errors, this.warnings);
  }

  private make(path: KeyPath, message: string): ErrorData {
    const e: ErrorData = { code: this.code, message, file: this.src.file };
    const line = this.src.lineOf([...this.base, ...path]);
    if (line !== undefined) e.line = line;
    if (this.host !== undefined) e.host = this.host;
    return e;
  }

  /** Errors in file order (by line; stable). */
  sortedErrors(): ErrorData[] {
    return byLine(this.errors);
  }

  sortedWarnings(): ErrorData[] {
    return byLine(this.warnings);
  }

  /** `field: message`, or just message for the entry itself. */
  error(path: KeyPath, message: string): void {
    this.errors.push(this.make(path, path.length ? `${fieldName(path)}: ${message}` : message));
  }

  warn(path: KeyPath, message: string): void {
    this.warnings.push(this.make(path, path.length ? `${fieldName(path)}: ${message}` : message));
  }

  /** `field: expected X, got Y`. */
  expected(path: KeyPath, expected: string, value: unknown): void {
    this.error(path, `expected ${expected}, got ${describe(value)}`);
  }

  /** Reports keys of `map` that are not in `known`. */
  unknownKeys(path: KeyPath, map: Record<string, unknown>, known: readonly string[]): void {
    for (const k of Object.keys(map)) {
      if (!known.includes(k)) this.error([...path, k], `unknown field (expected one of: ${known.join(', ')})`);
    }
  }
}

/** Errors in file order (by line; stable). */
export function byLine(list: readonly ErrorData[]): ErrorData[] {
  return [...list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
