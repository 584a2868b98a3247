// The per-host lock: one run converges a host at a time. The lock is a file holding the pid of
// its holder, created atomically (a complete file is linked into place). A second run waits for
// it; a lock whose holder is gone is taken over.
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ensurePrivateDir, RUNTIME_DIR } from './runtime-dir.ts';

export const DEFAULT_LOCK_FILE = `${RUNTIME_DIR}/agent.lock`;

export class LockBusyError extends Error {
  constructor(
    readonly path: string,
    readonly holder: number | undefined,
    readonly waitedSec: number,
  ) {
    super(`another run holds ${path}${holder ? ` (pid ${holder})` : ''}; gave up after waiting ${waitedSec} s`);
    this.name = 'LockBusyError';
  }
}

export interface LockOptions {
  /** Seconds to wait for the holder to finish (default 0: fail at once). */
  waitSec?: number;
  /** Polling interval in ms (default 200). */
  pollMs?: number;
  /**
   * The lock's directory is the agent's own, kept root-only (0700, tightened when looser).
   * Default: when it is the runtime directory; a lock file elsewhere leaves its directory as it is.
   */
  privateDir?: boolean;
}

export interface Lock {
  path: string;
  release(): void;
}

function holderOf(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(path: string): boolean {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`);
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

/** Moves a stale lock aside (only one contender succeeds in renaming it). */
function clearStale(path: string, pid: number | undefined): void {
  const aside = `${path}.stale.${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  // Someone else may have taken the lock between our read and the rename: put theirs back.
  const moved = holderOf(aside);
  if (moved !== pid && moved !== undefined && alive(moved)) {
    try {
      linkSync(aside, path);
    } catch {
      // a third run holds it now; theirs stands
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

/** Takes the lock at `path`, waiting up to `waitSec` seconds for a live holder. */
export async function acquireLock(path = DEFAULT_LOCK_FILE, opts: LockOptions = {}): Promise<Lock> {
  if (opts.privateDir ?? dirname(path) === RUNTIME_DIR) ensurePrivateDir(dirname(path));
  else mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + (opts.waitSec ?? 0) * 1000;
  for (;;) {
    if (tryTake(path)) {
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          if (holderOf(path) === process.pid) unlinkSync(path);
        },
      };
    }
    const pid = holderOf(path);
    if (pid === undefined || !alive(pid)) {
      clearStale(path, pid);
      continue;
    }
    if (Date.now() >= deadline) throw new LockBusyError(path, pid, opts.waitSec ?? 0);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}
