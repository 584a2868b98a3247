// Loads the command line: from the TypeScript sources through tsx when they are present,
// else from the compiled dist/ tree.
import { existsSync } from 'node:fs';

const source = new URL('../master/cli.ts', import.meta.url);
const compiled = new URL('../dist/master/cli.js', import.meta.url);

/** @returns {Promise<{ main: (argv: string[]) => Promise<number> }>} */
export async function loadCli() {
  if (existsSync(source)) {
    const { register } = await import('tsx/esm/api');
    register();
    return import(source.href);
  }
  return import(compiled.href);
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
