// Colour functions for terminal output; all identity functions when colour is off. Whether a
// stream gets colour is decided the same way by both commands (`halite`, `halite-agent`).
import pc from 'picocolors';

export interface Colors {
  green(s: string): string;
  cyan(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  lightRed(s: string): string;
}

export function makeColors(enabled: boolean): Colors {
  const p = pc.createColors(enabled);
  return { green: p.green, cyan: p.cyan, red: p.red, yellow: p.yellowBright, lightRed: p.redBright };
}

/** Whether `value` of an environment variable says "on": set, not empty, not 0/false. */
export function envOn(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Colour on a stream: never with `--no-color` (`flag` false); else as FORCE_COLOR says when it is
 * set (0 or false: none); else none when NO_COLOR is set to anything; else only on a terminal
 * (`terminal`: the stream is one, and TERM is not dumb).
 */
export function wantsColor(
  env: Readonly<Record<string, string | undefined>>,
  terminal: boolean,
  flag?: boolean,
): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return envOn(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return terminal && env.TERM !== 'dumb';
}
