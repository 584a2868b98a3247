// The build of the code running this process, so that halite processes talking to each other (a
// command and the connection keeper) can tell they run the same code: the sha256 of the master
// bundle when running from it, else a sha256 of the sources the master runs (master/ and agent/,
// and the lockfile of the packages they load). Computed once per process.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** sha256 of the files under `dirs` (relative to `root`) and of `files`, by path and content. */
export function treeHash(root: string, dirs: readonly string[], files: readonly string[] = []): string {
  const paths: string[] = [];
  for (const dir of dirs) {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
      if (e.isFile()) paths.push(relative(root, join(e.parentPath, e.name)));
    }
  }
  paths.push(...files);
  const h = createHash('sha256');
  for (const p of paths.sort()) {
    let body: Buffer | string;
    try {
      body = readFileSync(join(root, p));
    } catch {
      body = '(missing)';
    }
    h.update(`${p}\0${body.length}\0`).update(body);
  }
  return h.digest('hex');
}

export function buildId(): string {
  if (cached) return cached;
  const here = fileURLToPath(import.meta.url);
  if (process.env.HALITE_MASTER_BUNDLE)
    return (cached = `bundle-${createHash('sha256').update(readFileSync(here)).digest('hex')}`);
  return (cached = `source-${treeHash(join(here, '../../..'), ['master', 'agent'], ['package-lock.json'])}`);
}
