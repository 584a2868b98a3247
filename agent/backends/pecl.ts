// `pecl list` output → installed extensions:
//
//   Installed packages, channel pecl.php.net:
//   =========================================
//   Package Version State
//   redis   5.3.7   stable
//
// or "(no packages installed from channel pecl.php.net)". And what a local PECL package holds.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tarEntry } from '../util/tar.ts';

export interface PeclPackage {
  version: string;
  state: string;
}

export function parsePeclList(stdout: string): Map<string, PeclPackage> {
  const out = new Map<string, PeclPackage>();
  let table = false;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (/^=+$/.test(line)) {
      table = true;
      continue;
    }
    if (!table || !line || /^Package\s+Version\s+State$/i.test(line)) continue;
    const m = /^(\S+)\s+(\S+)\s+(\S+)$/.exec(line);
    if (m) out.set(m[1], { version: m[2], state: m[3] });
  }
  return out;
}

/** The extension name and release version of a local PECL package (.tgz or .tar with package.xml). */
export function peclArchiveSpec(file: string): { name: string; version: string } | { error: string } {
  let xml: string;
  try {
    const raw = readFileSync(file);
    const tar = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    const body = tarEntry(tar, /^package2?\.xml$/) ?? tarEntry(tar, 'package.xml');
    if (!body) return { error: `${file} is not a PECL package: it holds no package.xml` };
    xml = body.toString('utf8');
  } catch (e) {
    return { error: `cannot read the PECL package ${file}: ${(e as Error).message}` };
  }
  const name = /<name>\s*([^<\s]+)\s*<\/name>/.exec(xml)?.[1];
  const version = /<version>\s*<release>\s*([^<\s]+)\s*<\/release>/.exec(xml)?.[1];
  return name && version ? { name, version } : { error: `${file}: its package.xml has no name and release version` };
}
