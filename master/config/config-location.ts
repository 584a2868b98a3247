// Where the master configuration is read from: `--config FILE`, else $HALITE_CONFIG, else
// ./halite.yaml. Kept apart from the parser so the command line's thin client can find the
// daemon of a configuration without loading it.
import { resolve } from 'node:path';

export interface ConfigLocation {
  /** Path of the configuration file to read. */
  path: string;
  /** True when the path was asked for (--config, HALITE_CONFIG): then it must exist. */
  explicit: boolean;
}

/** `--config FILE`, else $HALITE_CONFIG, else ./halite.yaml. */
export function locateConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): ConfigLocation {
  if (flag) return { path: resolve(cwd, flag), explicit: true };
  if (env.HALITE_CONFIG) return { path: resolve(cwd, env.HALITE_CONFIG), explicit: true };
  return { path: resolve(cwd, 'halite.yaml'), explicit: false };
}
