// Loads the command line from dist/halite.mjs, built first when the sources changed since
// (fresh-bundle.js). Where it cannot be built (no esbuild, a checkout this user cannot write), the
// TypeScript sources run through tsx; an installation without sources runs the bundle it has.
//
// A job command (highstate, sls, run) first goes to the thin client (dist/client.mjs,
// master/client/): when a daemon of its configuration runs the same code, the daemon runs the job
// and this process only prints what it sends, without ever loading the master.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import {
  CLIENT_BUNDLE,
  MASTER_BUNDLE,
  ROOT,
  bundleStamp,
  ensureBundle,
  haveSources,
  sourceStamp,
} from './fresh-bundle.js';

/** Whether the bundles in dist/ are the ones to run (else the sources, through tsx). */
async function useBundle() {
  return !haveSources() || (await ensureBundle());
}

/** @returns {Promise<{ main: (argv: string[], io?: unknown, hooks?: object) => Promise<number> }>} */
export async function loadCli(bundled) {
  if (bundled ?? (await useBundle())) return import(pathToFileURL(MASTER_BUNDLE).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(ROOT, 'master', 'cli.ts')).href);
}

/** The thin client's hand-off, or undefined when it cannot be loaded (the command then runs here). */
async function loadClient(bundled) {
  try {
    if (bundled) return (await import(pathToFileURL(CLIENT_BUNDLE).href)).handOffProcess;
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport('../master/client/entry.ts', import.meta.url)).handOffProcess;
  } catch {
    return undefined;
  }
}

const JOB_COMMANDS = new Set(['highstate', 'sls', 'run']);

/** Runs the command line with `argv` and sets the process exit code. */
export async function run(argv) {
  try {
    const bundled = await useBundle();
    // the sources this process runs: a daemon takes the job only when it runs the same
    const stamp = (bundled ? bundleStamp() : null) ?? sourceStamp();
    if (argv.some((a) => JOB_COMMANDS.has(a))) {
      const handOff = await loadClient(bundled);
      const code = handOff ? await handOff(argv, stamp) : undefined;
      if (code !== undefined) {
        process.exitCode = code;
        return;
      }
    }
    const { main } = await loadCli(bundled);
    process.exitCode = await main(argv, undefined, { codeStamp: stamp });
  } catch (err) {
    process.stderr.write(`halite: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  }
}
