// Keeps dist/ (the master and agent bundles, master/build/dist.ts) built from the sources beside it, so
// every command starts from the bundle without a manual build. The master bundle's first line names
// the sources it was built from: a stamp of every file's path, size and modification time under
// master/ and agent/, package.json and the installed packages' lockfile. Another stamp means another
// build, made under a lock (concurrent commands wait for it, then use it) and renamed into place,
// so no command ever reads half a bundle.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const MASTER_BUNDLE = join(DIST, 'halite.mjs');
export const AGENT_BUNDLE = join(DIST, 'agent.cjs');
export const CLIENT_BUNDLE = join(DIST, 'client.mjs');
const LOCK = join(DIST, '.build.lock');
const STAMP_PREFIX = '// halite-sources: ';

/** How old (ms) a lock whose holder cannot be told must be to be taken over; also the longest wait for a build. */
const LOCK_STALE_MS = 120_000;

/** The stamp of the sources a bundle would be built from now (no file is read, only listed). */
export function sourceStamp(root = ROOT) {
  const lines = [];
  for (const dir of ['master', 'agent']) {
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true, recursive: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const p = join(e.parentPath, e.name);
      const st = statSync(p);
      lines.push(`${relative(root, p)}\0${st.size}\0${st.mtimeMs}`);
    }
  }
  for (const f of ['package.json', 'package-lock.json', 'node_modules/.package-lock.json']) {
    try {
      const st = statSync(join(root, f));
      lines.push(`${f}\0${st.size}\0${st.mtimeMs}`);
    } catch {
      lines.push(`${f}\0-`);
    }
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** The stamp a bundle was built with, or null. */
export function bundleStamp(file = MASTER_BUNDLE) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(STAMP_PREFIX.length + 64);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n).toString('utf8');
    return head.startsWith(STAMP_PREFIX) ? head.slice(STAMP_PREFIX.length) : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Takes the build lock, or returns false while a live process holds it. */
function tryLock() {
  try {
    const fd = openSync(LOCK, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
  }
  let holder;
  try {
    holder = Number(readFileSync(LOCK, 'utf8'));
  } catch {
    return false; // released in between: the caller tries again
  }
  let age;
  try {
    age = Date.now() - statSync(LOCK).mtimeMs;
  } catch {
    return false;
  }
  const abandoned = Number.isInteger(holder) && holder > 0 ? !alive(holder) : age > LOCK_STALE_MS;
  if (abandoned) rmSync(LOCK, { force: true });
  return false;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes dist/ match the sources: true when dist/halite.mjs is built from them (already, or now),
 * false when it cannot be built here (no esbuild, a read-only checkout) — or throws the build's error
 * when `force` is set.
 */
export async function ensureBundle({ force = false } = {}) {
  let stamp = sourceStamp();
  if (!force && bundleStamp() === stamp) return true;
  try {
    mkdirSync(DIST, { recursive: true });
    for (let waited = 0; !tryLock(); waited += 50) {
      if (waited > LOCK_STALE_MS) throw new Error(`${LOCK} is held by a build that does not end`);
      await sleep(50);
    }
  } catch (e) {
    if (force) throw e;
    return false;
  }
  try {
    // another command may have built it while this one waited
    stamp = sourceStamp();
    if (!force && bundleStamp() === stamp) return true;
    const { tsImport } = await import('tsx/esm/api');
    const { buildDist } = await tsImport('../master/build/dist.ts', import.meta.url);
    await buildDist(DIST, { stamp });
    return true;
  } catch (e) {
    if (force) throw e;
    return false;
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Whether the bundle exists (an installation without sources has nothing to build it from). */
export function haveSources() {
  return existsSync(join(ROOT, 'master', 'cli.ts'));
}
