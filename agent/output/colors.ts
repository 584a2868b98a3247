// Colour functions for terminal output; all identity functions when colour is off.
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
