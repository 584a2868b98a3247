// A configuration directory written from a map of files, and the halite command line run on it
// in this process: what most command tests start from.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main, type ProgramHooks } from '../../master/cli.ts';

/** Writes `files` (path → text) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A temporary directory holding `files`, removed when `t` ends. */
export function workspaceDir(
  t: { teardown(fn: () => void): void },
  prefix: string,
  files: Record<string, string>,
): string {
  const dir = mkdtempSync(join(tmpdir(), `halite-${prefix}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFiles(dir, files);
  return dir;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `halite ARGV` in this process with `dir` as its working directory. */
export async function halite(dir: string, argv: string[], hooks?: ProgramHooks): Promise<CliRun> {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: dir,
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(argv, io, hooks);
  return { code, out: io.out, err: io.err };
}
