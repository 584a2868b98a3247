// Where the connection keeper listens: a unix socket in a directory only this user can enter
// ($HALITE_RUNTIME_DIR, else $XDG_RUNTIME_DIR/halite, else /tmp/halite-<uid>). A directory that
// is not ours, not a directory, or open to others is never used: whoever reaches the socket can
// run commands on every host the keeper holds a connection to.
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MUX_VERSION } from './mux-protocol.ts';

export function muxDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HALITE_RUNTIME_DIR) return env.HALITE_RUNTIME_DIR;
  const uid = process.getuid?.() ?? 0;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'halite');
  return join(tmpdir(), `halite-${uid}`);
}

/** The socket path for this halite version, or why none can be used safely. */
export function muxSocketPath(version: string, env: NodeJS.ProcessEnv = process.env): { path: string } | { refused: string } {
  const dir = muxDir(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    return { refused: `cannot create ${dir}: ${(e as Error).message}` };
  }
  const st = lstatSync(dir);
  const uid = process.getuid?.();
  if (!st.isDirectory()) return { refused: `${dir} is not a directory` };
  if (uid !== undefined && st.uid !== uid) return { refused: `${dir} belongs to uid ${st.uid}, not to this user (${uid})` };
  if ((st.mode & 0o077) !== 0) return { refused: `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})` };
  const flavour = process.env.HALITE_MASTER_BUNDLE ? 'b' : 's';
  const name = `keeper-${MUX_VERSION}-${version.replace(/[^A-Za-z0-9.]/g, '_')}-${flavour}.sock`;
  return { path: join(dir, name) };
}
