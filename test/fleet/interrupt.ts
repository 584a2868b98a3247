// SIGINT and SIGTERM while the fleet is making something that must not be left half-made (a cache
// build, a fleet the demo brought up). While work is registered here, the first signal aborts
// `interruption` (commands run with it are killed with their children), waits for the registered
// work to settle (its own error handling removes what it made), runs the registered cleanups in
// reverse order, and exits with 128 + the signal's number, as a shell reports a killed command.
// Further signals while that runs only say so. With nothing registered, signals behave as usual.
import { constants } from 'node:os';

const controller = new AbortController();
const work = new Set<Promise<unknown>>();
const cleanups: Array<() => Promise<void>> = [];
let caught: NodeJS.Signals | undefined;
let installed = false;

/** Aborted by the first SIGINT or SIGTERM while something is registered. */
export function interruption(): AbortSignal {
  return controller.signal;
}

/** Holds signals off until `p` settles; a signal meanwhile aborts `interruption()` first. */
export function interruptible<T>(p: Promise<T>): Promise<T> {
  work.add(p);
  install();
  const done = () => {
    work.delete(p);
    uninstall();
  };
  p.then(done, done);
  return p;
}

/** Runs `fn` on SIGINT/SIGTERM (after registered work settled) until the returned function is called. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  cleanups.push(fn);
  install();
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
    uninstall();
  };
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

function uninstall(): void {
  if (!installed || caught || work.size || cleanups.length) return;
  installed = false;
  process.off('SIGINT', handle);
  process.off('SIGTERM', handle);
}

function handle(signal: NodeJS.Signals): void {
  if (caught) {
    process.stderr.write(`${signal}: still cleaning up, please wait\n`);
    return;
  }
  caught = signal;
  process.stderr.write(`\n${signal}: stopping and cleaning up\n`);
  controller.abort(new Error(`interrupted by ${signal}`));
  void (async () => {
    await Promise.allSettled([...work]);
    for (const fn of cleanups.splice(0).reverse()) {
      await fn().catch((e: unknown) =>
        process.stderr.write(`cleanup failed: ${e instanceof Error ? e.message : String(e)}\n`),
      );
    }
    process.exit(128 + (constants.signals[signal] ?? 0));
  })();
}
