// `pecl list` output → installed extensions:
//
//   Installed packages, channel pecl.php.net:
//   =========================================
//   Package Version State
//   redis   5.3.7   stable
//
// or "(no packages installed from channel pecl.php.net)".

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
