// Each fleet that is up owns a slot, which decides its subnets and link name (see plan.ts), so
// several fleets can be up on one machine. A slot is a file <state root>/slots/<n> holding the
// fleet's name, created exclusively; a slot whose fleet has no state directory is free again.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_SLOTS } from './plan.ts';

const slotsDir = (root: string) => join(root, 'slots');

/** The slot fleet `name` holds, if any. */
export function findSlot(root: string, name: string): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync(slotsDir(root));
  } catch {
    return undefined;
  }
  for (const e of entries) {
    try {
      if (readFileSync(join(slotsDir(root), e), 'utf8').trim() === name) return Number(e);
    } catch {
      // released meanwhile
    }
  }
  return undefined;
}

/** Claims the lowest free slot for `name` (whose state directory must already exist). */
export function claimSlot(root: string, name: string): number {
  mkdirSync(slotsDir(root), { recursive: true });
  for (let slot = 0; slot < MAX_SLOTS; slot++) {
    const file = join(slotsDir(root), String(slot));
    try {
      writeFileSync(file, `${name}\n`, { flag: 'wx' });
      return slot;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: string;
    try {
      owner = readFileSync(file, 'utf8').trim();
    } catch {
      continue;
    }
    if (owner && !existsSync(join(root, owner))) {
      rmSync(file, { force: true });
      slot--; // try this slot again
    }
  }
  throw new Error(`all ${MAX_SLOTS} fleet slots are taken`);
}

export function releaseSlot(root: string, name: string): void {
  const slot = findSlot(root, name);
  if (slot !== undefined) rmSync(join(slotsDir(root), String(slot)), { force: true });
}
