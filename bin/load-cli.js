// Loads the command line: the bundle that `npm run build` wrote to dist/ while it is newer than
// every source file, else the TypeScript sources through tsx, else (an install without sources)
// whatever bundle there is.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'master', 'cli.ts');
const bundle = join(root, 'dist', 'halite.mjs');

/** Newest modification time (ms) of the files under `dir`, 0 when there are none. */
function newest(dir) {
  let max = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newest(p));
    else if (e.isFile()) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** Whether dist/halite.mjs was built after the last change to the sources it is made of. */
export function bundleIsFresh() {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  const inputs = [newest(join(root, 'master')), newest(join(root, 'agent'))];
  for (const f of ['package.json', 'package-lock.json']) if (existsSync(join(root, f))) inputs.push(statSync(join(root, f)).mtimeMs);
  return inputs.every((t) => t <= built);
}

/** @returns {Promise<{ main: (argv: string[]) => Promise<number> }>} */
export async function loadCli() {
  if (existsSync(source) && !bundleIsFresh()) {
    const { register } = await import('tsx/esm/api');
    register();
    return import(source);
  }
  return import(bundle);
}

/** Runs the command line with `argv` and sets the process exit code. */
export async function run(argv) {
  try {
    const { main } = await loadCli();
    process.exitCode = await main(argv);
  } catch (err) {
    process.stderr.write(`halite: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  }
}
