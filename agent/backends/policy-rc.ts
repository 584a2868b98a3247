// Holding back the services a package install would start, when the highstate starts them itself.
// Debian's maintainer scripts start a service as soon as its package is installed, with the
// package's default configuration; the highstate then writes its configuration and restarts it.
// When the run's service state for that service follows the install with nothing in between but
// files, packages, accounts and debconf answers, the install runs under a policy-rc.d (Debian's
// interface for invoke-rc.d and deb-systemd-invoke) that refuses to start those services, and the
// service state starts each once, configured. The file is only ever ours for the length of one
// apt-get: an administrator's own policy-rc.d turns the hold off, and one left by an agent that
// died mid-install is removed by the next run.
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LowChunk } from '../protocol.ts';

export const POLICY_RC = 'usr/sbin/policy-rc.d';
const MARKER = '# halite: services the running highstate starts itself';

/** States that neither need a service running nor start one: the hold may span them. */
const INERT = new Set(['file', 'pkg', 'user', 'group', 'debconf']);

/**
 * Services whose `service.running` / `service.dead` state comes after `chunk` (an install) in the
 * run order, with only inert states between them.
 */
export function heldServices(chunk: LowChunk | undefined, chunks: readonly LowChunk[] | undefined): string[] {
  if (!chunk || !chunks) return [];
  const at = chunks.findIndex((c) => c.tag === chunk.tag);
  if (at < 0) return [];
  const held: string[] = [];
  for (const c of chunks.slice(at + 1)) {
    if (c.state === 'service' && (c.fun === 'running' || c.fun === 'dead')) {
      if (/^[A-Za-z0-9_.@-]+$/.test(c.name)) held.push(c.name);
      continue;
    }
    if (!INERT.has(c.state)) break;
  }
  return [...new Set(held)];
}

export function policyScript(services: readonly string[]): string {
  return [
    '#!/bin/sh',
    MARKER,
    '# (for the length of one package install; removed when it ends)',
    'while [ $# -gt 0 ]; do case "$1" in --*) shift ;; *) break ;; esac; done',
    'case "$1" in',
    `  ${services.join('|')})`,
    '    case "$2" in *start*|*reload*) exit 101 ;; esac ;;',
    'esac',
    'exit 0',
    '',
  ].join('\n');
}

const ours = (path: string): boolean => {
  try {
    return readFileSync(path, 'utf8').includes(MARKER);
  } catch {
    return false;
  }
};

/** Removes a policy-rc.d an interrupted run left behind (never an administrator's). */
export function clearStalePolicy(root: string): void {
  const path = join(root, POLICY_RC);
  if (ours(path)) unlinkSync(path);
}

/** Runs `fn` with `services` held back; runs it plainly when there are none or the file is not ours to write. */
export async function withServicesHeld<T>(
  root: string,
  services: readonly string[],
  fn: (held: readonly string[]) => Promise<T>,
): Promise<T> {
  const path = join(root, POLICY_RC);
  if (!services.length || (existsSync(path) && !ours(path)) || !existsSync(join(root, 'usr/sbin'))) return fn([]);
  const tmp = `${path}.halite-${process.pid}`;
  writeFileSync(tmp, policyScript(services), { mode: 0o755 });
  renameSync(tmp, path);
  try {
    return await fn(services);
  } finally {
    if (ours(path)) unlinkSync(path);
  }
}
