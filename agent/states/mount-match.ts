// How mount.mounted compares what is mounted with what the state asks for, as Salt does: the
// device (through links, UUID=/LABEL= names and, for bind mounts, the directory bound) and the
// options the kernel shows (some never show, some show translated).
import { promises as fsp } from 'node:fs';
import { join, posix, relative } from 'node:path';
import type { ActiveMount } from '../facts/mounts.ts';

/** Options mountinfo never shows (Salt's mount_invisible_options). */
const INVISIBLE = [
  '_netdev',
  'actimeo',
  'bg',
  'comment',
  'defaults',
  'delay_connect',
  'direct-io-mode',
  'intr',
  'loop',
  'nointr',
  'nobootwait',
  'nofail',
  'password',
  'reconnect',
  'retry',
  'soft',
  'auto',
  'users',
  'bind',
  'nonempty',
  'transform_symlinks',
  'port',
  'backup-volfile-servers',
  'x-systemd.automount',
  'noauto',
  'user',
];
/** key=value options whose value never shows (Salt's mount_invisible_keys). */
const INVISIBLE_KEYS = ['actimeo', 'comment', 'credentials', 'direct-io-mode', 'password', 'retry', 'port'];
const IGNORE_FS_KEYS: Record<string, string[]> = { ramfs: ['size'] };
const TRANSLATE: Record<string, string> = { tcp: 'proto=tcp', udp: 'proto=udp' };

export interface OptionRules {
  invisible?: readonly string[];
  invisibleKeys?: readonly string[];
  ignoreFsKeys?: Record<string, unknown>;
  translate?: Record<string, unknown>;
  hidden?: readonly string[];
}

/** An option as mountinfo would show it (size=1m → size=1024k); undefined when it never shows. */
export function visibleForm(
  opt: string,
  fstype: string,
  rules: OptionRules,
  ids: { uid(name: string): number | undefined; gid(name: string): number | undefined },
): string | undefined {
  const translate = { ...TRANSLATE, ...(rules.translate ?? {}) } as Record<string, unknown>;
  let o = typeof translate[opt] === 'string' ? (translate[opt] as string) : opt;
  const [key, ...rest] = o.split('=');
  const value = rest.join('=');
  if ([...INVISIBLE_KEYS, ...(rules.invisibleKeys ?? [])].includes(key)) return undefined;
  if ([...INVISIBLE, ...(rules.invisible ?? []), ...(rules.hidden ?? [])].includes(o)) return undefined;
  const ignore = { ...IGNORE_FS_KEYS, ...(rules.ignoreFsKeys ?? {}) }[fstype];
  if (Array.isArray(ignore) && ignore.includes(key)) return undefined;
  const size = /^size=(\d+)([kmg])$/i.exec(o);
  if (size)
    o = `size=${Number(size[1]) * { k: 1, m: 1024, g: 1024 * 1024 }[size[2].toLowerCase() as 'k' | 'm' | 'g']}k`;
  if ((key === 'uid' || key === 'gid') && value && !/^\d+$/.test(value)) {
    const id = key === 'uid' ? ids.uid(value) : ids.gid(value);
    if (id !== undefined) o = `${key}=${id}`;
  }
  if (fstype === 'cifs' && key === 'user') o = `username=${value}`;
  return o;
}

/** The first wanted option the active mount does not show, or undefined when all show. */
export function changedOption(
  opts: readonly string[],
  mount: ActiveMount,
  rules: OptionRules,
  ids: Parameters<typeof visibleForm>[3],
): string | undefined {
  for (const opt of opts) {
    const v = visibleForm(opt, mount.fstype, rules, ids);
    if (v !== undefined && !mount.opts.includes(v) && !mount.superopts.includes(v)) return opt;
  }
  return undefined;
}

/** A host path resolved through its links, under `root`; the path itself when it does not exist. */
export async function realPathUnder(root: string, path: string): Promise<string> {
  try {
    const real = await fsp.realpath(join(root, path));
    return root === '/' ? real : `/${relative(root, real)}`;
  } catch {
    return path;
  }
}

/** The mount holding `path`: the active mount whose mount point is its longest prefix. */
function containing(active: Map<string, ActiveMount>, path: string, except: string): ActiveMount | undefined {
  let best: ActiveMount | undefined;
  for (const m of active.values()) {
    if (m.mountpoint === except) continue;
    const inside = m.mountpoint === '/' || path === m.mountpoint || path.startsWith(`${m.mountpoint}/`);
    if (inside && (!best || m.mountpoint.length > best.mountpoint.length)) best = m;
  }
  return best;
}

/**
 * Whether `mount` (at `name`) is `device` as the state gives it. A bind mount is its source
 * directory: the same filesystem as the mount holding that directory, at the directory's path in it.
 */
export async function sameDevice(
  root: string,
  active: Map<string, ActiveMount>,
  mount: ActiveMount,
  device: string,
  bind: boolean,
): Promise<{ same: boolean; wanted: string; current: string[] }> {
  const current = [mount.device];
  const realCurrent = mount.device.startsWith('/') ? await realPathUnder(root, mount.device) : mount.device;
  if (realCurrent !== mount.device) current.push(realCurrent);
  if (bind && device.startsWith('/')) {
    const src = await realPathUnder(root, device);
    const holder = containing(active, src, mount.mountpoint);
    if (!holder) return { same: false, wanted: src, current };
    const inFs = posix.join(holder.root, posix.relative(holder.mountpoint, src) || '.');
    return { same: holder.device === mount.device && mount.root === inFs, wanted: src, current };
  }
  let wanted = device;
  const tag = /^(UUID|LABEL|PARTUUID|PARTLABEL)=["']?([^"']+)["']?$/i.exec(device);
  if (tag) {
    const dir = `/dev/disk/by-${tag[1].toLowerCase()}`;
    const value = tag[1].toUpperCase() === 'UUID' ? tag[2].toLowerCase() : tag[2];
    wanted = await realPathUnder(root, `${dir}/${value}`);
  } else if (device.startsWith('/')) wanted = await realPathUnder(root, device);
  return { same: current.includes(wanted) || current.includes(device), wanted, current };
}
