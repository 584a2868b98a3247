// npm as the npm states drive it: what is installed globally or in a directory (`npm ls --json
// --depth=0`), and what a local package tarball holds (its package/package.json).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { HostContext } from './context.ts';
import { failureOf, notFound, runTool, type ToolRun } from './tool-run.ts';
import { tarEntry } from '../util/tar.ts';

export interface NpmInstalled {
  version?: string;
  /** Where it came from (`resolved`, or npm 6's `from`). */
  from?: string;
}

/** The `dependencies` of `npm ls --json` output (npm exits 1 when the tree has problems, and still prints it). */
export function parseNpmList(stdout: string): Map<string, NpmInstalled> {
  let data: unknown;
  try {
    data = JSON.parse(stdout || '{}');
  } catch {
    throw new Error(`npm ls gave no JSON: ${stdout.slice(0, 200)}`);
  }
  const deps = data && typeof data === 'object' ? (data as Record<string, unknown>).dependencies : undefined;
  const out = new Map<string, NpmInstalled>();
  if (!deps || typeof deps !== 'object') return out;
  for (const [name, info] of Object.entries(deps as Record<string, unknown>)) {
    if (!info || typeof info !== 'object') continue;
    const { version, resolved, from } = info as Record<string, unknown>;
    const entry: NpmInstalled = {};
    if (typeof version === 'string') entry.version = version;
    if (typeof resolved === 'string') entry.from = resolved;
    else if (typeof from === 'string') entry.from = from;
    out.set(name, entry);
  }
  return out;
}

type NpmListResult = { installed: Map<string, NpmInstalled> } | { error: string; missing?: boolean };

/** Global (`dir` undefined) or a project directory. */
export function scopeFlags(dir: string | undefined): string[] {
  return dir ? [] : ['--global'];
}

export async function npmList(ctx: HostContext, dir: string | undefined, run: ToolRun): Promise<NpmListResult> {
  const r = await runTool(ctx, ['npm', 'ls', '--json', '--depth=0', ...scopeFlags(dir)], {
    ...run,
    cwd: dir ?? run.cwd,
  });
  if (notFound(r)) return { error: 'npm is not installed', missing: true };
  if (r.code !== 0 && !r.stdout.trim().startsWith('{')) return { error: failureOf(r) };
  try {
    return { installed: parseNpmList(r.stdout) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Flags every install and uninstall gets: no audit or funding requests, machine-readable output. */
export const QUIET = ['--no-audit', '--no-fund', '--no-update-notifier', '--json'];

/** name and version from a package tarball's package/package.json. */
export function tarballManifest(file: string): { name: string; version: string } | { error: string } {
  let tar: Buffer;
  try {
    tar = gunzipSync(readFileSync(file));
  } catch (e) {
    return { error: `cannot read the package tarball ${file}: ${(e as Error).message}` };
  }
  const body = tarEntry(tar, /^[^/]+\/package\.json$/);
  if (!body) return { error: `${file} holds no package.json` };
  try {
    const pkg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (typeof pkg.name === 'string' && typeof pkg.version === 'string')
      return { name: pkg.name, version: pkg.version };
  } catch {
    // reported below
  }
  return { error: `${file}: package.json has no name and version` };
}
