// Mounts: the active ones from /proc/self/mountinfo (proc(5)), and fstab(5) entries, parsed and
// written back with their escapes (\040 for a space).

export interface ActiveMount {
  mountpoint: string;
  /** The path inside its filesystem that is mounted ('/' unless a bind mount of a subdirectory). */
  root: string;
  fstype: string;
  device: string;
  opts: string[];
  superopts: string[];
}

/** \040-style octal escapes undone. */
const unescapeOctal = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Space, tab, newline and backslash escaped as the kernel and fstab write them. */
const escapeOctal = (s: string): string =>
  s.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);

/** Mounts by mount point; for a point mounted over, the last (visible) one. */
export function parseMountinfo(text: string): Map<string, ActiveMount> {
  const out = new Map<string, ActiveMount>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (dash < 6 || fields.length < dash + 3) continue;
    const mount: ActiveMount = {
      mountpoint: unescapeOctal(fields[4]),
      root: unescapeOctal(fields[3]),
      opts: fields[5].split(','),
      fstype: fields[dash + 1],
      device: unescapeOctal(fields[dash + 2]),
      superopts: (fields[dash + 3] ?? '').split(',').filter(Boolean),
    };
    out.set(mount.mountpoint, mount);
  }
  return out;
}

export interface FstabEntry {
  device: string;
  name: string;
  fstype: string;
  opts: string;
  dump: string;
  pass: string;
}

/** An fstab line's fields, or undefined for a comment, a blank or a malformed line. */
export function parseFstabLine(line: string): FstabEntry | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#')) return undefined;
  const f = t.split(/\s+/);
  if (f.length < 3) return undefined;
  return {
    device: unescapeOctal(f[0]),
    name: unescapeOctal(f[1]),
    fstype: f[2],
    opts: f[3] ?? 'defaults',
    dump: f[4] ?? '0',
    pass: f[5] ?? '0',
  };
}

function formatFstabLine(e: FstabEntry): string {
  return `${escapeOctal(e.device)}\t\t${escapeOctal(e.name)}\t${e.fstype}\t${e.opts}\t${e.dump} ${e.pass}`;
}

/** Filesystems Salt matches by mount point rather than device (match_on: auto). */
const SPECIAL_FS = new Set([
  'none',
  'tmpfs',
  'sysfs',
  'proc',
  'fusectl',
  'debugfs',
  'securityfs',
  'devtmpfs',
  'cgroup',
  'btrfs',
]);

export type FstabOutcome = 'present' | 'new' | 'change';

/**
 * Salt's set_fstab: the entry matching `want` on `matchOn` fields (auto: the mount point for
 * special filesystems, else the device) is kept when identical or replaced; otherwise appended.
 */
export function setFstab(
  text: string,
  want: FstabEntry,
  matchOn: readonly string[],
): { text: string; outcome: FstabOutcome } {
  const keys = (
    matchOn.length === 1 && matchOn[0] === 'auto' ? [SPECIAL_FS.has(want.fstype) ? 'name' : 'device'] : matchOn
  ) as Array<keyof FstabEntry>;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let outcome: FstabOutcome | undefined;
  const out = lines.map((line) => {
    const e = parseFstabLine(line);
    if (!e || outcome || !keys.every((k) => e[k] === want[k])) return line;
    const same = (Object.keys(want) as Array<keyof FstabEntry>).every((k) => e[k] === want[k]);
    outcome = same ? 'present' : 'change';
    return same ? line : formatFstabLine(want);
  });
  if (!outcome) {
    out.push(formatFstabLine(want));
    outcome = 'new';
  }
  return { text: `${out.join('\n')}\n`, outcome };
}

/** fstab without the entries for mount point `name` (and `device`, when given); null when none matched. */
export function removeFstab(text: string, name: string, device?: string): string | null {
  const lines = text.split('\n');
  const kept = lines.filter((line) => {
    const e = parseFstabLine(line);
    return !(e && e.name === name && (device === undefined || e.device === device));
  });
  return kept.length === lines.length ? null : kept.join('\n');
}
