// The shipped example (halite.yaml, roster, roles, states, pillars) copied into a temporary
// directory, so a test of it never sees what runs from the checkout leave there (var/: the job
// store, pinned host keys) and never writes beside the sources.
import t from 'tap';
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The checkout's root directory. */
export const REPO = join(import.meta.dirname, '..');

/** What a configuration of the shipped example reads. */
export const SHIPPED = ['halite.yaml', 'roster.yaml', 'roles', 'states', 'pillar', 'pillar-private'] as const;

let copy: string | undefined;

/**
 * A temporary copy of the shipped example (one per test file, removed after it: files of a batch share
 * this module); its halite.yaml is the shipped one.
 */
export function shippedExample(): string {
  if (copy) return copy;
  const dir = mkdtempSync(join(tmpdir(), 'halite-shipped-'));
  for (const name of SHIPPED) {
    if (name.endsWith('.yaml')) copyFileSync(join(REPO, name), join(dir, name));
    else cpSync(join(REPO, name), join(dir, name), { recursive: true });
  }
  t.teardown(() => {
    rmSync(dir, { recursive: true, force: true });
    copy = undefined;
  });
  return (copy = dir);
}
