// Where the daemon of a configuration takes the command line's jobs: a unix socket in the runtime
// directory the connection keeper uses ($HALITE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/halite, else
// /tmp/halite-<uid>), which must be a directory of this user that no one else may enter. Whoever
// reaches the socket runs jobs as the daemon's user on every host, so the client checks the
// directory before it connects (a socket planted by another user would receive its environment)
// and the daemon before it listens. One socket per configuration file (by its real path).
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { muxDir, safeRuntimeDir } from '../transport/mux-path.ts';
import { DAEMON_PROTOCOL } from './protocol.ts';

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The real path a configuration is known by (the path as given when it does not exist). */
export const configKey = (configFile: string): string => realPath(configFile);

/** The socket's file name: the protocol version, then a digest of the configuration's real path. */
function daemonSocketName(configFile: string): string {
  const digest = createHash('sha256').update(configKey(configFile)).digest('hex').slice(0, 24);
  return `daemon-${DAEMON_PROTOCOL}-${digest}.sock`;
}

/** The daemon socket for `configFile`, or why none can be used safely. */
export function daemonSocketPath(
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { refused: string } {
  const dir = muxDir(env);
  const refused = safeRuntimeDir(dir);
  return refused ? { refused } : { path: join(dir, daemonSocketName(configFile)) };
}
