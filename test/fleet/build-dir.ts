// Building a cache entry atomically: the build works in `<final>.tmp-<pid>`, which is moved into
// place when complete and removed — after unmounting whatever the build mounted inside it — when
// the build fails or is interrupted (SIGINT, SIGTERM). What a build killed outright (SIGKILL, a
// crash, a reboot) leaves behind is removed at the next start, once its process is gone.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { publish } from './cache-layout.ts';
import { interruptible, interruption } from './interrupt.ts';
import { isRunning, readProcStat } from './proc.ts';
import { removeTree } from './remove.ts';

/** Runs `build(tmp, signal)` and publishes `tmp` as `final`; on any failure removes `tmp`. */
export function buildInto(
  final: string,
  step: string,
  build: (tmp: string, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const tmp = `${final}.tmp-${process.pid}`;
  const signal = interruption();
  return interruptible(
    (async () => {
      await removeTree(tmp, step);
      mkdirSync(tmp, { recursive: true });
      try {
        await build(tmp, signal);
        signal.throwIfAborted();
      } catch (e) {
        await removeTree(tmp, step);
        throw e;
      }
      publish(tmp, final);
    })(),
  );
}

/** Prefix for a build's commands: killed when the process that started them dies, even by SIGKILL. */
export const DIE_WITH_PARENT = ['setpriv', '--pdeathsig', 'KILL', '--'];

const LEFTOVER = /^(?:base|repo)-[0-9a-f]+\.tmp-(\d+)$/;

export interface LeftoverOptions {
  /** The build lock: removed when its holder is gone. */
  lock?: string;
  /** Known that no build runs (the caller holds the lock): a directory's pid may have been reused. */
  noBuildRuns?: boolean;
}

/**
 * Removes the temporary directories of builds whose process is gone (unmounting what is mounted
 * inside first, never descending into a mount) and a build lock whose holder is gone. A build
 * that is still running is left alone, and so is the directory of a dead build while processes it
 * started still work in it. Returns the names removed.
 */
export async function removeLeftovers(
  root: string,
  log: (line: string) => void,
  opts: LeftoverOptions = {},
): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(LEFTOVER.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || (!opts.noBuildRuns && isRunning(pid))) continue;
    const users = processesUsing(join(root, name));
    if (users.length) {
      log(
        `leaving ${name} for now: a build that did not finish, but ${users.join(', ')} still work${users.length === 1 ? 's' : ''} in it`,
      );
      continue;
    }
    log(
      `removing ${name}: left by a build that did not finish (process ${pid} ${opts.noBuildRuns ? 'does not build' : 'is gone'})`,
    );
    await removeTree(join(root, name), 'remove leftovers');
    removed.push(name);
  }
  const owner = opts.lock === undefined ? undefined : lockOwner(opts.lock);
  if (opts.lock !== undefined && owner !== undefined && !isRunning(owner)) {
    rmSync(opts.lock, { recursive: true, force: true });
    removed.push(opts.lock.slice(opts.lock.lastIndexOf('/') + 1));
  }
  return removed;
}

/** Processes whose root, working directory or command line is in `dir` (e.g. an orphaned debootstrap). */
export function processesUsing(dir: string): string[] {
  const inside = (p: string) => p === dir || p.startsWith(`${dir}/`);
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const links = ['root', 'cwd'].map((l) => readlinkSync(`/proc/${name}/${l}`));
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (links.some(inside) || argv.some((a) => a.includes(dir)))
        found.push(`${name} (${readProcStat(Number(name))?.comm ?? '?'})`);
    } catch {
      // exited meanwhile, or a kernel thread
    }
  }
  return found;
}

function lockOwner(lock: string): number | undefined {
  if (!existsSync(lock)) return undefined;
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // being taken right now, or its owner died between mkdir and writing: withLock decides
  }
}
