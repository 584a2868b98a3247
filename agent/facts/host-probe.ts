// How grains read the host: files under a root (so tests can give a fixture tree), programs found
// on the usual system paths, and commands run as argv with a time limit.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { run } from '../process/run.ts';
import type { VirtualProbe } from './virtual.ts';

export type HostProbe = VirtualProbe;

const PATHS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** A grain command that hangs is given this long; its grain is then left as unknown. */
const COMMAND_MS = 10_000;

function statOf(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function hostProbe(root = '/'): HostProbe {
  const at = (path: string) => `${root.replace(/\/$/, '')}${path}`;
  const dirs = [...new Set([...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')), ...PATHS])];
  const find = (program: string) =>
    dirs.find((d) => {
      try {
        accessSync(`${d}/${program}`, constants.X_OK);
        return statOf(`${d}/${program}`)?.isFile() ?? false;
      } catch {
        return false;
      }
    });
  return {
    has: (program) => find(program) !== undefined,
    run: async ([program, ...args]) => {
      const dir = find(program);
      if (!dir) return { code: 127, stdout: '' };
      const r = await run([`${dir}/${program}`, ...args], { timeoutMs: COMMAND_MS, env: { LC_ALL: 'C' } });
      return { code: r.code, stdout: r.stdout.trim() };
    },
    read: (path) => {
      try {
        return readFileSync(at(path), 'utf8');
      } catch {
        return undefined;
      }
    },
    isDir: (path) => statOf(at(path))?.isDirectory() ?? false,
    isFile: (path) => statOf(at(path))?.isFile() ?? false,
    sameRootAsInit: () => {
      const self = statOf(at('/'));
      const init = statOf(at('/proc/1/root/.'));
      return !self || !init || (self.dev === init.dev && self.ino === init.ino);
    },
  };
}
