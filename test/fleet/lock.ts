// A directory lock between processes on one machine (two test files bringing fleets up at once
// must not build the cache twice). A lock whose owner has died is taken over; waiting ends when
// `signal` is aborted.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './proc.ts';

export async function withLock<T>(
  path: string,
  onWait: () => void,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
): Promise<T> {
  let announced = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(path, 'pid'), 'utf8'));
      } catch {
        // the owner is between mkdir and writing its pid
      }
      const orphaned = Number.isNaN(owner) && Date.now() - mtimeMs(path) > 10_000;
      if (orphaned || (Number.isInteger(owner) && owner > 0 && !isRunning(owner))) {
        rmSync(path, { recursive: true, force: true });
        continue;
      }
      if (!announced) onWait();
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

function mtimeMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
