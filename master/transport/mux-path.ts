// Where the connection keeper listens: a unix socket in a directory only this user can enter
// ($HALITE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/halite, else /tmp/halite-<uid>). A directory that
// is not ours, not a directory, or open to others is never used: whoever reaches the socket can
// run commands on every host the keeper holds a connection to. One socket per configuration file
// and build: commands of another checkout, another configuration or other code never share a keeper.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MUX_VERSION } from './mux-protocol.ts';

export function muxDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HALITE_RUNTIME_DIR) return env.HALITE_RUNTIME_DIR;
  const uid = process.getuid?.() ?? 0;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'halite');
  return join(tmpdir(), `halite-${uid}`);
}

/** Whose keeper it is: the configuration file (or directory, without one) and the build (build-id.ts). */
export interface KeeperKey {
  config: string;
  build: string;
}

function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The socket's file name: the protocol version, then a digest of the configuration's real path and the build. */
export function muxSocketName(key: KeeperKey): string {
  const digest = createHash('sha256')
    .update(`${realPath(key.config)}\0${key.build}`)
    .digest('hex')
    .slice(0, 24);
  return `keeper-${MUX_VERSION}-${digest}.sock`;
}

/**
 * Why `dir` (created owner-only when missing) cannot hold a socket of this user's, or undefined when
 * it can: it must be a directory of this user's that no one else may enter.
 */
export function safeRuntimeDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    return `cannot create ${dir}: ${(e as Error).message}`;
  }
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) return `${dir} is not a directory`;
  if (uid !== undefined && st.uid !== uid) return `${dir} belongs to uid ${st.uid}, not to this user (${uid})`;
  if ((st.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return undefined;
}

/** The socket path of the keeper for `key`, or why none can be used safely. */
export function muxSocketPath(
  key: KeeperKey,
  env: NodeJS.ProcessEnv = process.env,
): { path: string } | { refused: string } {
  const dir = muxDir(env);
  const refused = safeRuntimeDir(dir);
  return refused ? { refused } : { path: join(dir, muxSocketName(key)) };
}
