// Jinja's undefined values: a lookup that finds nothing records why, and using the nothing
// (printing, iterating, testing truth, calling, taking an attribute) raises with that reason.
import { undefinedFault } from './fault.ts';

let miss: string | undefined;

/** Records why a lookup found nothing and returns undefined. */
export function missing(why: string, prefix = 'Jinja variable '): undefined {
  miss = prefix + why;
  return undefined;
}

/** The reason recorded by the last failed lookup. */
export function lastMiss(): string | undefined {
  return miss;
}

/**
 * Why the undefined arguments of the macro calls under way are undefined, innermost last: a macro
 * that uses such an argument reports the reason its caller's lookup found nothing.
 */
const passed: Array<string | undefined> = [];

export function clearMiss(): void {
  miss = passed[passed.length - 1];
}

/** Runs `call` with the reason recorded for undefined arguments kept through its outputs. */
export function withPassedMiss<T>(args: readonly unknown[], call: () => T): T {
  if (!args.some((a) => a === undefined)) return call();
  passed.push(miss);
  try {
    return call();
  } finally {
    passed.pop();
  }
}

/** Throws the error for using an undefined value. */
export function failUndefined(): never {
  throw undefinedFault(miss);
}
