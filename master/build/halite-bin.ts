// How to start another halite process running this same code (the connection keeper, which must be
// of the command's build): the master bundle when this is it, else the command line's TypeScript
// source through tsx. Arguments for `node`, before the command's own.
import { fileURLToPath } from 'node:url';

export function haliteSelf(): string[] {
  if (process.env.HALITE_MASTER_BUNDLE) return [fileURLToPath(import.meta.url)];
  return ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../cli.ts', import.meta.url))];
}
