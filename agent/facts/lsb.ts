// The lsb_distrib_* grains as Salt's packages (onedir, with their own Python) compute them: the
// DISTRIB_* lines of /etc/lsb-release when the file exists (Ubuntu), else the os-release fields —
// NAME as the id, VERSION_ID as the release, VERSION_CODENAME (or PRETTY_NAME) as the code name.
// On Debian there is no /etc/lsb-release, so there is no lsb_distrib_description either.
import type { Grains } from '../protocol.ts';

const LSB_LINE = /^(DISTRIB_(?:ID|RELEASE|CODENAME|DESCRIPTION))=["']?([\w\s.-]+)["']?/;

/** lsb_distrib_id, _release, _codename, _description from /etc/lsb-release's text. */
export function parseLsbRelease(text: string): Grains {
  const out: Grains = {};
  for (const line of text.split('\n')) {
    const m = LSB_LINE.exec(line);
    if (m) out[`lsb_${m[1].toLowerCase()}`] = m[2].trimEnd();
  }
  return out;
}

/** The lsb grains from /etc/lsb-release (may be empty) and os-release's fields. */
export function lsbGrains(lsbRelease: string, osRelease: Record<string, string>): Grains {
  const out = parseLsbRelease(lsbRelease);
  if (out.lsb_distrib_id !== undefined) return out;
  if (osRelease.NAME !== undefined) out.lsb_distrib_id = osRelease.NAME.trim();
  if (osRelease.VERSION_ID !== undefined) out.lsb_distrib_release = osRelease.VERSION_ID;
  if (osRelease.VERSION_CODENAME !== undefined) out.lsb_distrib_codename = osRelease.VERSION_CODENAME;
  else if (osRelease.PRETTY_NAME !== undefined) out.lsb_distrib_codename = osRelease.PRETTY_NAME;
  return out;
}
