// Full group(5) entries under the root: gid and member list, for the user and group states.
import { join } from 'node:path';
import type { Fact } from './cache.ts';
import { readOrEmpty } from '../store/read-text.ts';

export interface GroupEntry {
  name: string;
  passwd: string;
  gid: number;
  members: string[];
}

export function parseGroup(text: string): Map<string, GroupEntry> {
  const out = new Map<string, GroupEntry>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !f[0] || line.startsWith('#') || !/^\d+$/.test(f[2]) || out.has(f[0])) continue;
    out.set(f[0], { name: f[0], passwd: f[1], gid: Number(f[2]), members: f[3].split(',').filter(Boolean) });
  }
  return out;
}

/** Key: the file's path ('/etc/group'). */
export const groupEntriesFact: Fact<string, Map<string, GroupEntry>> = {
  name: 'group-entries',
  gather: (path, env) => readOrEmpty(join(env.root, path)),
  parse: (raw) => parseGroup(raw),
};

/** The groups a user belongs to: the primary group (by gid) and every group listing the user, sorted. */
export function groupsOf(user: string, gid: number | undefined, groups: Map<string, GroupEntry>): string[] {
  const out = new Set<string>();
  for (const g of groups.values()) if (g.gid === gid || g.members.includes(user)) out.add(g.name);
  return [...out].sort();
}
