// The system time zone as Debian keeps it without a running systemd: /etc/localtime (a link to, or
// a copy of, a zoneinfo file), /etc/timezone (its name) and /etc/adjtime (whether the hardware clock
// keeps UTC or local time, third line, as hwclock(8) and timedatectl write it).
import { promises as fsp } from 'node:fs';
import { join, posix } from 'node:path';
import { readText } from '../store/read-text.ts';

export const ZONEINFO = '/usr/share/zoneinfo';
export const LOCALTIME = '/etc/localtime';
export const TIMEZONE_FILE = '/etc/timezone';
export const ADJTIME = '/etc/adjtime';

/** A zone name as tzdata spells them (America/Denver, Etc/GMT+5, UTC): no '..', no leading '/'. */
export function validZoneName(name: string): boolean {
  return /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && !name.split('/').includes('..');
}

async function readBytes(path: string): Promise<Buffer | null> {
  try {
    return await fsp.readFile(path);
  } catch {
    return null;
  }
}

/** The zoneinfo file of `name` under `root`, or null when tzdata has no such zone. */
export async function zoneData(root: string, name: string): Promise<Buffer | null> {
  const data = await readBytes(join(root, ZONEINFO, name));
  return data && data.subarray(0, 4).toString('latin1') === 'TZif' ? data : null;
}

/** What /etc/localtime holds, read through its link as the host would (the link taken under `root`). */
export async function localtimeData(root: string): Promise<Buffer | null> {
  const path = join(root, LOCALTIME);
  let target: string;
  try {
    target = await fsp.readlink(path);
  } catch {
    return readBytes(path);
  }
  const abs = posix.isAbsolute(target) ? target : posix.join(posix.dirname(LOCALTIME), target);
  return readBytes(join(root, abs));
}

/** The name in /etc/timezone, or undefined when it is missing or empty. */
export async function timezoneName(root: string): Promise<string | undefined> {
  const text = await readText(join(root, TIMEZONE_FILE));
  const first = text?.split('\n')[0]?.trim();
  return first ? first : undefined;
}

/** 'localtime' when /etc/adjtime says LOCAL, else 'UTC' (hwclock's default when the file is missing). */
export function hwclockOf(adjtime: string | null): 'UTC' | 'localtime' {
  const third = adjtime?.split('\n')[2]?.trim();
  return third === 'LOCAL' ? 'localtime' : 'UTC';
}

/** /etc/adjtime with its third line set to `clock` (the first two kept, or hwclock's defaults). */
export function setAdjtime(adjtime: string | null, clock: 'UTC' | 'LOCAL'): string {
  const lines = (adjtime ?? '').split('\n');
  const first = lines[0]?.trim() ? lines[0] : '0.0 0 0.0';
  const second = lines[1]?.trim() ? lines[1] : '0';
  return `${first}\n${second}\n${clock}\n`;
}
