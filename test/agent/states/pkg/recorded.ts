// A command runner that answers from recorded output, for checks that read dpkg and apt.
//
// Each step is `{run, stdout?, stderr?, code?}`. `run` is the argv joined by spaces; a trailing
// ' *' matches any rest. stdout/stderr starting with '@' name a file under fixtures/output
// (captured from a real Debian bookworm host); `drop` removes the lines matching a regular
// expression and `stdout_append` adds text after it. Steps
// matching the same command answer in order; the last one keeps answering.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunOptions, RunResult, Runner } from '../../../../agent/process/run.ts';

export interface Step {
  run: string;
  stdout?: string;
  stdout_append?: string;
  /** Regular expression: lines of stdout to leave out (before stdout_append is added). */
  drop?: string;
  stderr?: string;
  code?: number;
  /** Expected stdin. */
  input?: string;
}

export interface Call {
  cmd: string;
  input?: string;
  env?: Record<string, string>;
}

export const OUTPUT_DIR = join(process.cwd(), 'test/agent/states/pkg/fixtures/output');

function text(v: string | undefined): string {
  if (!v) return '';
  return v.startsWith('@') ? readFileSync(join(OUTPUT_DIR, v.slice(1)), 'utf8') : v;
}

function matches(pattern: string, cmd: string): boolean {
  return pattern.endsWith(' *')
    ? cmd.startsWith(pattern.slice(0, -1)) || cmd === pattern.slice(0, -2)
    : cmd === pattern;
}

export class Recorded {
  readonly calls: Call[] = [];
  readonly unexpected: string[] = [];
  private readonly used = new Set<number>();

  constructor(private readonly steps: readonly Step[]) {}

  readonly run: Runner = async (argv: string[], opts: RunOptions = {}): Promise<RunResult> => {
    const cmd = argv.join(' ');
    this.calls.push({ cmd, input: opts.input, env: opts.env });
    const idx = this.steps
      .map((s, i) => [s, i] as const)
      .filter(([s]) => matches(s.run, cmd))
      .map(([, i]) => i);
    if (!idx.length) {
      this.unexpected.push(cmd);
      return {
        argv,
        code: 127,
        stdout: '',
        stderr: `unexpected command: ${cmd}`,
        timedOut: false,
        error: 'unexpected command',
      };
    }
    const i = idx.find((n) => !this.used.has(n)) ?? idx[idx.length - 1];
    this.used.add(i);
    const s = this.steps[i];
    if (s.input !== undefined && s.input !== opts.input)
      this.unexpected.push(`${cmd} with stdin ${JSON.stringify(opts.input)}`);
    const drop = s.drop ? new RegExp(s.drop) : undefined;
    const base = drop
      ? text(s.stdout)
          .split('\n')
          .filter((l) => !drop.test(l))
          .join('\n')
      : text(s.stdout);
    const stdout = (base + (s.stdout_append ?? '')).replace(/\n$/, '');
    return { argv, code: s.code ?? 0, stdout, stderr: text(s.stderr).replace(/\n$/, ''), pid: 1, timedOut: false };
  };

  commands(): string[] {
    return this.calls.map((c) => c.cmd);
  }
}
