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

export function clearMiss(): void {
  miss = undefined;
}

/** Throws the error for using an undefined value. */
export function failUndefined(): never {
  throw undefinedFault(miss);
}
