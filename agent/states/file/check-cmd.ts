// file.managed's check_cmd, as Salt runs it: the new contents go to a temporary file (in tmp_dir,
// named with the suffix tmp_ext, with the owner and mode the file will have), the command runs with
// that file's path as its last argument, and only when it exits 0 is the file replaced. The
// command line is split into words as Python's shlex does (Salt runs it without a shell).
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { StateContext } from '../types.ts';
import { shellSplit } from '../cmd-stateful.ts';
import { hostPath } from './common.ts';

export interface CheckCmd {
  argv: string[];
  /** The directory of the temporary file, as a state path; undefined: the system's temporary directory. */
  tmpDir?: string;
  tmpExt: string;
}

/** The check of `line`, or why the line cannot be run. */
export function parseCheckCmd(line: string, tmpDir: string, tmpExt: string): { check?: CheckCmd; error?: string } {
  let argv: string[];
  try {
    argv = shellSplit(line);
  } catch (e) {
    return { error: `Unable to check_cmd file: ${(e as Error).message}` };
  }
  if (!argv.length) return { error: 'Unable to check_cmd file: check_cmd is empty' };
  if (tmpExt.includes('/')) return { error: `Unable to check_cmd file: tmp_ext ${tmpExt} holds a /` };
  return { check: { argv, tmpExt, ...(tmpDir ? { tmpDir } : {}) } };
}

export interface CheckFile {
  data: string | Buffer;
  mode: number;
  uid?: number;
  gid?: number;
}

/**
 * Runs the check on `file` written to a temporary file: undefined when the command accepts it,
 * else Salt's comment ("check_cmd execution failed" and the command's output, secrets masked).
 */
export async function runCheckCmd(ctx: StateContext, check: CheckCmd, file: CheckFile): Promise<string | undefined> {
  const dir = check.tmpDir !== undefined ? hostPath(ctx, check.tmpDir) : tmpdir();
  const path = join(dir, `__halite.tmp.${randomBytes(6).toString('hex')}${check.tmpExt}`);
  let fh;
  try {
    fh = await fsp.open(path, 'wx', 0o600);
  } catch (e) {
    return `Unable to check_cmd file: ${(e as Error).message}`;
  }
  try {
    try {
      await fh.writeFile(file.data);
      if (file.uid !== undefined || file.gid !== undefined) await fh.chown(file.uid ?? -1, file.gid ?? -1);
      await fh.chmod(file.mode);
    } finally {
      await fh.close();
    }
    const r = await ctx.run([...check.argv, path]);
    if (r.code === 0) return undefined;
    const out = [r.stdout, r.stderr].filter((s) => s !== '');
    if (!out.length && r.error) out.push(r.error);
    return ctx.redact(['check_cmd execution failed', ...out].join('\n'));
  } finally {
    await fsp.rm(path, { force: true });
  }
}
