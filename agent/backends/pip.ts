// pip as the pip states drive it: which pip (bin_env: a virtualenv, a pip or a python
// executable; else the system's python3 -m pip), what is installed (`pip list --format=json`),
// and the versions an index or a find-links directory offers (`pip index versions`).
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RunResult } from '../process/run.ts';
import type { HostContext } from './context.ts';
import { failureOf, notFound, runTool, type ToolRun } from './tool-run.ts';

/** PEP 503's normal form: pip treats Foo_Bar, foo-bar and foo.bar as one project. */
export const canonicalName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

type PipCommand = { argv: string[] } | { missing: string };

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The pip to run, as Salt's _get_pip_bin finds it: in a virtualenv directory its bin/pip3 or
 * bin/pip; a file named python* runs `-m pip`; any other file is the pip itself.
 */
export function pipCommand(binEnv: string | undefined, root: string): PipCommand {
  if (!binEnv) return { argv: ['python3', '-m', 'pip'] };
  const host = join(root, binEnv);
  if (isDir(host)) {
    for (const name of ['pip3', 'pip'])
      if (isFile(join(host, 'bin', name))) return { argv: [join(binEnv, 'bin', name)] };
    return { missing: `Could not find a pip binary in virtualenv ${binEnv}` };
  }
  if (!isFile(host)) return { missing: `Could not find a pip binary at ${binEnv}: no such file or virtualenv` };
  return /^python[\d.]*$/.test(basename(binEnv)) ? { argv: [binEnv, '-m', 'pip'] } : { argv: [binEnv] };
}

/** pip itself is missing: the program (or python3's pip module) is not there. */
export function pipMissing(r: RunResult): string | undefined {
  if (notFound(r)) return `${r.argv.includes('python3') ? 'python3' : 'pip'} is not installed`;
  if (/No module named pip\b/.test(r.stderr)) return 'No module named pip: pip is not installed for this python';
  return undefined;
}

export interface Installed {
  /** The name as pip reports it. */
  name: string;
  version: string;
}

/** `pip list --format=json` → canonical name → what is installed. */
export function parsePipList(stdout: string): Map<string, Installed> {
  const out = new Map<string, Installed>();
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    throw new Error(`pip list gave no JSON: ${stdout.slice(0, 200)}`);
  }
  if (!Array.isArray(data)) throw new Error('pip list gave no list');
  for (const item of data) {
    if (!item || typeof item !== 'object') continue;
    const { name, version } = item as Record<string, unknown>;
    if (typeof name === 'string' && typeof version === 'string') out.set(canonicalName(name), { name, version });
  }
  return out;
}

type ListResult = { installed: Map<string, Installed> } | { error: string; missing?: boolean };

/** What pip sees installed (in `path` with target). */
export async function pipList(ctx: HostContext, pip: string[], run: ToolRun, path?: string): Promise<ListResult> {
  const argv = [...pip, 'list', '--format=json', '--disable-pip-version-check'];
  if (path) argv.push(`--path=${path}`);
  const r = await runTool(ctx, argv, run);
  const missing = pipMissing(r);
  if (missing) return { error: missing, missing: true };
  if (r.code !== 0) return { error: failureOf(r) };
  try {
    return { installed: parsePipList(r.stdout) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** `pip index versions` output → versions offered, newest first. */
export function parseIndexVersions(stdout: string): string[] {
  const m = /^Available versions:\s*(.*)$/m.exec(stdout);
  return m
    ? m[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

/** `pip install --dry-run` output → the distributions it would install ("Would install a-1.0 b-2"). */
export function parseWouldInstall(stdout: string): string[] {
  const m = /^Would install (.*)$/m.exec(stdout);
  return m ? m[1].trim().split(/\s+/) : [];
}
