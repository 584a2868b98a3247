// A requirements file from salt:// is written to a private scratch directory for pip to read
// (pip opens the file by name; the agent's pipes are sockets, which /dev/stdin cannot reopen),
// owned by the user pip runs as, and removed afterwards.
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupAccount } from '../../facts/users.ts';
import type { StateContext } from '../types.ts';

/** Stands in argv for the scratch file's path. */
export const SCRATCH = '\u0000requirements';

export async function withScratchFile<T>(
  text: string | undefined,
  user: string | undefined,
  argv: readonly string[],
  ctx: StateContext,
  fn: (argv: string[]) => Promise<T>,
): Promise<T> {
  if (text === undefined) return fn([...argv]);
  const dir = await fsp.mkdtemp(join(tmpdir(), 'halite-pip-'));
  try {
    const file = join(dir, 'requirements.txt');
    await fsp.writeFile(file, text, { mode: 0o600 });
    const owner = user ? await lookupAccount(ctx.facts, 'passwd', user) : undefined;
    if (owner) {
      await fsp.chown(dir, owner.id, owner.gid ?? -1);
      await fsp.chown(file, owner.id, owner.gid ?? -1);
    }
    return await fn(argv.map((a) => a.split(SCRATCH).join(file)));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
