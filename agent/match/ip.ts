// IPv4 and IPv6 addresses and networks as numbers, parsed as strictly as Python's ipaddress module.

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
}

export interface IpNetwork {
  version: 4 | 6;
  base: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Python rejects leading zeros (ambiguous octal) and anything but 1-3 decimal digits.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0'))) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseGroups(s: string): bigint[] | undefined {
  if (s === '') return [];
  const out: bigint[] = [];
  for (const g of s.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(BigInt(`0x${g}`));
  }
  return out;
}

function parseV6(input: string): bigint | undefined {
  let s = input.replace(/%[^%]*$/, ''); // a zone index (fe80::1%eth0) does not change the address
  let tail: bigint[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    s = s.slice(0, lastColon + 1);
    if (!s.endsWith('::')) s = s.slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0]);
    const rest = parseGroups(halves[1]);
    if (!head || !rest) return undefined;
    const fill = 8 - head.length - rest.length - tail.length;
    if (fill < 1) return undefined;
    groups = [...head, ...new Array<bigint>(fill).fill(0n), ...rest, ...tail];
  } else {
    const all = parseGroups(s);
    if (!all) return undefined;
    groups = [...all, ...tail];
  }
  if (groups.length !== 8) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An IPv4 or IPv6 address, or undefined when `s` is not one. */
export function parseAddress(s: string): IpAddress | undefined {
  if (s.includes(':')) {
    const v = parseV6(s);
    return v === undefined ? undefined : { version: 6, value: v };
  }
  const v = parseV4(s);
  return v === undefined ? undefined : { version: 4, value: v };
}

function maskOf(version: 4 | 6, prefix: number): bigint {
  const bits = BigInt(BITS[version]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

function prefixFromMask(version: 4 | 6, spec: string): number | undefined {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    return n <= BITS[version] && (spec === '0' || !spec.startsWith('0')) ? n : undefined;
  }
  if (version !== 4) return undefined;
  const m = parseV4(spec);
  if (m === undefined) return undefined;
  for (let p = 0; p <= 32; p++) {
    if (maskOf(4, p) === m) return p; // netmask 255.255.255.0
    if ((maskOf(4, p) ^ 0xffffffffn) === m) return p; // hostmask 0.0.0.255
  }
  return undefined;
}

/**
 * A network `addr/prefix` (or `addr/netmask` for IPv4; a bare address is a single-host network).
 * Returns a string describing the problem when `s` is not a valid network, host bits included.
 */
export function parseNetwork(s: string): IpNetwork | string {
  const [addr, spec, extra] = s.split('/');
  if (extra !== undefined) return `'${s}' is not an IP network`;
  const a = parseAddress(addr);
  if (!a) return `'${s}' is not an IP address or network`;
  const prefix = spec === undefined ? BITS[a.version] : prefixFromMask(a.version, spec);
  if (prefix === undefined) return `'${s}' has an invalid prefix length or netmask`;
  const mask = maskOf(a.version, prefix);
  if ((a.value & mask) !== a.value) return `'${s}' has host bits set`;
  return { version: a.version, base: a.value, prefix };
}

export function inNetwork(addr: IpAddress, net: IpNetwork): boolean {
  return addr.version === net.version && (addr.value & maskOf(net.version, net.prefix)) === net.base;
}
