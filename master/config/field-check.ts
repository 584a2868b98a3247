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
    /** What only `halite lint` reports: values Salt's YAML 1.1 reads as intended but YAML 1.2 would not. */
    readonly lintWarnings: ErrorData[] = [],
  ) {}

  /** A checker for the entry at `base` naming `host`; errors and warnings are shared with this one. */
  forHost(base: KeyPath, host: string): FieldCheck {
    return new FieldCheck(this.src, this.code, base, host, this.errors, this.warnings, this.lintWarnings);
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

  /**
   * A boolean field: true or false, or one of the unquoted words YAML 1.1 reads as a boolean (Salt's
   * loader, PyYAML, does: `yes`, `on`, `off`… — not `y` or `n`), accepted with a warning for `halite lint`.
   * Anything else is an error; undefined is returned for it.
   */
  flag(path: KeyPath, value: unknown): boolean | undefined {
    if (typeof value === 'boolean') return value;
    // only a plain scalar is a boolean to YAML 1.1: a quoted "yes" is a string there too
    const word = this.src.isPlainScalar([...this.base, ...path]) ? yaml11Boolean(value) : undefined;
    if (word === undefined) {
      this.expected(path, 'true or false', value);
      return undefined;
    }
    this.lintWarnings.push(
      this.make(
        path,
        `${fieldName(path)}: ${JSON.stringify(value)} is a YAML 1.1 boolean (${word}), read as Salt reads it; ` +
          `write ${word}: YAML 1.2 reads it as a string`,
      ),
    );
    return word;
  }

  sortedLintWarnings(): ErrorData[] {
    return byLine(this.lintWarnings);
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

const YAML11_TRUE = ['yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE'];
const YAML11_FALSE = ['no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'];

/** The boolean PyYAML (YAML 1.1) reads for a plain scalar YAML 1.2 leaves as a string; undefined for others. */
export function yaml11Boolean(value: unknown): boolean | undefined {
  if (typeof value !== 'string') return undefined;
  if (YAML11_TRUE.includes(value)) return true;
  if (YAML11_FALSE.includes(value)) return false;
  return undefined;
}

/** Errors in file order (by line; stable). */
export function byLine(list: readonly ErrorData[]): ErrorData[] {
  return [...list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
