// Loads the command line from dist/halite.mjs, built first when the sources changed since
// (fresh-bundle.js). Where it cannot be built (no esbuild, a checkout this user cannot write), the
// TypeScript sources run through tsx; an installation without sources runs the bundle it has.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { MASTER_BUNDLE, ROOT, ensureBundle, haveSources } from './fresh-bundle.js';

/** @returns {Promise<{ main: (argv: string[]) => Promise<number> }>} */
export async function loadCli() {
  if (!haveSources() || (await ensureBundle())) return import(pathToFileURL(MASTER_BUNDLE).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, 'master', 'cli.ts')).href);
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
