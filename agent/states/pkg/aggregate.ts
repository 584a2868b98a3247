// Salt's mod_aggregate for pkg: pending chunks of the same function (and the same apt
// options) are folded into this chunk's `pkgs`, so one apt-get call serves them all.
// A chunk is left alone when merging could change what it means: it holds packages, is
// gated (unless/onlyif/creates…), or still waits for a requisite that has not run.
import type { LowChunk } from '../../protocol.ts';
import type { StateArgs } from '../types.ts';
import { isDict } from '../args.ts';

/** Arguments that must be equal for two chunks to share one apt call. */
const SAME = [
  'fromrepo',
  'install_recommends',
  'only_upgrade',
  'allow_updates',
  'update_holds',
  'reinstall',
  'ignore_epoch',
  'cache_valid_time',
];
const GATES = ['unless', 'onlyif', 'creates', 'check_cmd', 'retry', 'parallel'];

const has = (o: Record<string, unknown>, k: string): boolean => o[k] !== undefined && o[k] !== null;

/** The chunk's packages as `pkgs` entries: its own pkgs, or its name (with its version). */
function entries(c: LowChunk): unknown[] | undefined {
  if (has(c.args, 'pkgs')) return Array.isArray(c.args.pkgs) ? c.args.pkgs : undefined;
  return has(c.args, 'version') ? [{ [c.name]: c.args.version }] : [c.name];
}

function mergeable(c: LowChunk): boolean {
  return !has(c.args, 'hold') && !has(c.args, 'sources') && !GATES.some((k) => has(c.meta, k));
}

export function aggregatePkgs(
  chunk: LowChunk,
  pending: readonly LowChunk[],
): { args: StateArgs; absorbed: string[] } | undefined {
  if (chunk.state !== 'pkg' || !mergeable(chunk)) return undefined;
  const own = entries(chunk);
  if (!own) return undefined;
  const waiting = new Set(pending.map((c) => c.tag));
  const pkgs: unknown[] = [...own];
  const absorbed: string[] = [];
  let refresh = false;
  for (const c of pending) {
    if (c.tag === chunk.tag || c.state !== 'pkg' || c.fun !== chunk.fun || !mergeable(c)) continue;
    if (SAME.some((k) => JSON.stringify(c.args[k] ?? null) !== JSON.stringify(chunk.args[k] ?? null))) continue;
    const deps = Object.values(c.requisites).flat();
    if (deps.some((tag) => tag !== undefined && waiting.has(tag))) continue;
    const more = entries(c);
    if (!more || more.some((e) => !(typeof e === 'string' || isDict(e)))) continue;
    pkgs.push(...more);
    absorbed.push(c.tag);
    if (c.args.refresh === true) refresh = true;
  }
  if (!absorbed.length) return undefined;
  const { version: _version, ...rest } = chunk.args;
  const args: StateArgs = { ...rest, name: chunk.name, pkgs };
  if (refresh) args.refresh = true;
  return { args, absorbed };
}
