// /etc/hosts: lines of `address name [alias…] [# comment]`, kept as written so edits
// touch only the lines they change.

export interface HostsLine {
  /** The line as read (for untouched lines). */
  raw: string;
  ip?: string;
  names: string[];
  comment?: string;
}

export function parseHosts(text: string): HostsLine[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((raw) => {
    const hash = raw.indexOf('#');
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    const comment = hash >= 0 ? raw.slice(hash + 1).trim() : undefined;
    if (!body) return { raw, names: [], ...(comment !== undefined ? { comment } : {}) };
    const [ip, ...names] = body.split(/\s+/);
    return { raw, ip, names, ...(comment !== undefined ? { comment } : {}) };
  });
}

export function formatHostsLine(l: HostsLine): string {
  if (!l.ip) return l.raw;
  const base = `${l.ip}\t\t${l.names.join(' ')}`;
  return l.comment !== undefined && l.comment !== '' ? `${base} # ${l.comment}` : base;
}

export function serializeHosts(lines: HostsLine[]): string {
  return lines.map((l) => l.raw).join('\n') + (lines.length ? '\n' : '');
}

/** Whether the text is an IPv4 or IPv6 address. */
export function isIp(s: string): boolean {
  if (/^(\d{1,3})(\.\d{1,3}){3}$/.test(s)) return s.split('.').every((o) => Number(o) <= 255);
  return /^[0-9a-fA-F:]+(%\w+)?$/.test(s) && s.includes(':');
}
