// Kernel parameters: the running value (/proc/sys under the root) and sysctl.d config files.
import { join } from 'node:path';
import type { Fact } from './cache.ts';
import { readText } from '../store/read-text.ts';

/** net.ipv4.ip_forward → /proc/sys/net/ipv4/ip_forward (a '/' in the name stays a '.' in the path). */
export function procPath(name: string): string {
  return `/proc/sys/${name
    .replace(/\./g, '\u0000')
    .replace(/\//g, '.')
    .replace(/\u0000/g, '/')}`;
}

/** Values compare as their whitespace-separated fields ("32768\t60999" = "32768 60999"). */
export const sameValue = (a: string, b: string): boolean =>
  a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ');

/** Key: the parameter name; value: the running value, or null when the kernel has no such parameter. */
export const sysctlFact: Fact<string | null, string | null> = {
  name: 'sysctl',
  gather: (name, env) => readText(join(env.root, procPath(name))),
  parse: (raw) => (raw === null ? null : raw.trim()),
};

/** sysctl.conf(5): `key = value` lines; '#' and ';' start comments; the last setting wins. */
export function parseSysctlConf(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#') || t.startsWith(';')) continue;
    const eq = t.indexOf('=');
    if (eq <= 0) continue;
    out.set(t.slice(0, eq).trim().replace(/^-/, ''), t.slice(eq + 1).trim());
  }
  return out;
}

/** Sets `name = value` in config text: the existing line is rewritten, else one is appended. */
export function setSysctlConf(text: string, name: string, value: string): string {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let found = false;
  const out = lines.map((line) => {
    const t = line.trim();
    const eq = t.indexOf('=');
    if (t.startsWith('#') || t.startsWith(';') || eq <= 0 || t.slice(0, eq).trim().replace(/^-/, '') !== name)
      return line;
    found = true;
    return `${name} = ${value}`;
  });
  if (!found) out.push(`${name} = ${value}`);
  return `${out.join('\n')}\n`;
}
