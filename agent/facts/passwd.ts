// Full passwd(5) and shadow(5) entries under the root, for the user states (users.ts keeps
// the name/id view the file states use).
import { join } from 'node:path';
import type { Fact } from './cache.ts';
import { readOrEmpty } from '../store/read-text.ts';

export interface PasswdEntry {
  name: string;
  passwd: string;
  uid: number;
  gid: number;
  /** The GECOS field, split as Salt's user.info does. */
  fullname: string;
  roomnumber: string;
  workphone: string;
  homephone: string;
  other: string;
  home: string;
  shell: string;
}

export interface ShadowEntry {
  name: string;
  /** The password hash ('!' / '*' for locked, '' for none). */
  passwd: string;
}

/** Splits GECOS into Salt's fields; `other` keeps everything after the fourth comma. */
export function splitGecos(
  gecos: string,
): Pick<PasswdEntry, 'fullname' | 'roomnumber' | 'workphone' | 'homephone' | 'other'> {
  const f = gecos.split(',');
  return {
    fullname: f[0] ?? '',
    roomnumber: f[1] ?? '',
    workphone: f[2] ?? '',
    homephone: f[3] ?? '',
    other: f.slice(4).join(','),
  };
}

export function joinGecos(
  g: Pick<PasswdEntry, 'fullname' | 'roomnumber' | 'workphone' | 'homephone' | 'other'>,
): string {
  return [g.fullname, g.roomnumber, g.workphone, g.homephone, g.other].join(',').replace(/,+$/, '');
}

export function parsePasswd(text: string): Map<string, PasswdEntry> {
  const out = new Map<string, PasswdEntry>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !f[0] || line.startsWith('#') || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) continue;
    if (out.has(f[0])) continue;
    out.set(f[0], {
      name: f[0],
      passwd: f[1],
      uid: Number(f[2]),
      gid: Number(f[3]),
      ...splitGecos(f[4]),
      home: f[5],
      shell: f.slice(6).join(':'),
    });
  }
  return out;
}

export function parseShadow(text: string): Map<string, ShadowEntry> {
  const out = new Map<string, ShadowEntry>();
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 2 || !f[0] || line.startsWith('#') || out.has(f[0])) continue;
    out.set(f[0], { name: f[0], passwd: f[1] });
  }
  return out;
}

/** Key: the file's path ('/etc/passwd'). */
export const passwdEntriesFact: Fact<string, Map<string, PasswdEntry>> = {
  name: 'passwd-entries',
  gather: (path, env) => readOrEmpty(join(env.root, path)),
  parse: (raw) => parsePasswd(raw),
};

export const shadowFact: Fact<string, Map<string, ShadowEntry>> = {
  name: 'shadow',
  gather: (path, env) => readOrEmpty(join(env.root, path)),
  parse: (raw) => parseShadow(raw),
};
