// What the master keeps of the facts a VM reports about itself (its `start` event): only values
// that parse as what they claim — addresses as IPv4/IPv6 addresses, a host name by RFC 1123's
// grammar, counts as bounded whole numbers, names of the OS as short tokens, interface maps of
// bounded size keyed by interface names — and only the grains
// agent/facts/reported.ts names. These facts reach other hosts' templates as mine data, so nothing
// else a VM says may pass: what does not fit is dropped and said so, never repaired.
import { isIP } from 'node:net';
import { type REPORTED_GRAINS } from '../../agent/facts/reported.ts';
import type { Grains } from '../../agent/protocol.ts';

/** More addresses than any real host has; a longer list is cut here. */
export const MAX_ADDRESSES = 64;

export interface CheckedFacts {
  addresses: string[];
  grains: Grains;
  /** One sentence per value dropped (the value quoted and shortened). */
  dropped: string[];
}

/** An address as the agent reports it: IPv4 or IPv6, no zone, no surrounding text. */
export function isAddress(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 45 && /^[0-9A-Fa-f:.]+$/.test(v) && isIP(v) !== 0;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A host name by RFC 1123: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
export function isHostName(v: unknown): v is string {
  if (typeof v !== 'string' || v.length === 0 || v.length > 253) return false;
  return v
    .replace(/\.$/, '')
    .split('.')
    .every((l) => LABEL.test(l));
}

const isToken = (v: unknown): v is string =>
  typeof v === 'string' && /^(?:[A-Za-z0-9][A-Za-z0-9._+~-]{0,63})?$/.test(v);
const intIn =
  (lo: number, hi: number) =>
  (v: unknown): v is number =>
    Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;

type Grain = (typeof REPORTED_GRAINS)[number];

/** More interfaces than any real host has; a longer map is dropped. */
export const MAX_INTERFACES = 256;

/** Free text a distribution writes (`Debian GNU/Linux`, `Xen PV DomU`): no quotes, braces or control characters. */
const isLabel = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9 ._+~:/()-]{0,64}$/.test(v);
/** A Linux interface name. */
const isInterfaceName = (v: string): boolean => /^[A-Za-z0-9_.-]{1,15}$/.test(v);
/** A link-layer address: 6 to 20 hexadecimal bytes separated by colons. */
const isHwAddress = (v: unknown): boolean =>
  typeof v === 'string' && /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5,19}$/.test(v);
const addressesOf =
  (family: 0 | 4 | 6) =>
  (v: unknown): boolean =>
    Array.isArray(v) &&
    v.length <= MAX_ADDRESSES &&
    v.every((a) => isAddress(a) && (family === 0 || isIP(a) === family));
const interfaceMap =
  (value: (v: unknown) => boolean) =>
  (v: unknown): boolean =>
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length <= MAX_INTERFACES &&
    Object.entries(v).every(([k, x]) => isInterfaceName(k) && value(x));
const intList =
  (max: number) =>
  (v: unknown): boolean =>
    Array.isArray(v) && v.length >= 1 && v.length <= max && v.every(intIn(0, 1e6));
/** Python's sys.version_info as a list: [3, 11, 2, "final", 0]. */
const isPythonVersion = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 5 && v.every((x, i) => (i === 3 ? isToken(x) : intIn(0, 1e6)(x)));

/** What each reported grain must be; the address lists are checked element by element. */
const GRAIN_CHECKS: Record<Exclude<Grain, 'ipv4' | 'ipv6'>, { ok: (v: unknown) => boolean; what: string }> = {
  os: { ok: isToken, what: 'an OS name' },
  os_family: { ok: isToken, what: 'an OS family' },
  osrelease: { ok: isToken, what: 'a release' },
  oscodename: { ok: isToken, what: 'a code name' },
  kernel: { ok: isToken, what: 'a kernel name' },
  init: { ok: isToken, what: 'an init system' },
  fqdn: { ok: isHostName, what: 'a host name' },
  num_cpus: { ok: intIn(1, 1 << 16), what: 'a CPU count' },
  mem_total: { ok: intIn(0, 2 ** 40), what: 'a memory size' },
  domain: { ok: (v) => v === '' || isHostName(v), what: 'a domain name' },
  fqdn_ip4: { ok: addressesOf(4), what: 'a list of IPv4 addresses' },
  fqdn_ip6: { ok: addressesOf(6), what: 'a list of IPv6 addresses' },
  ip_interfaces: { ok: interfaceMap(addressesOf(0)), what: 'addresses by interface' },
  ip4_interfaces: { ok: interfaceMap(addressesOf(4)), what: 'IPv4 addresses by interface' },
  ip6_interfaces: { ok: interfaceMap(addressesOf(6)), what: 'IPv6 addresses by interface' },
  hwaddr_interfaces: { ok: interfaceMap(isHwAddress), what: 'hardware addresses by interface' },
  lsb_distrib_id: { ok: isLabel, what: 'a distribution name' },
  lsb_distrib_release: { ok: isToken, what: 'a release' },
  lsb_distrib_codename: { ok: isLabel, what: 'a code name' },
  lsb_distrib_description: { ok: isLabel, what: 'a description' },
  osarch: { ok: isToken, what: 'an architecture' },
  virtual: { ok: isToken, what: 'a virtualization type' },
  virtual_subtype: { ok: isLabel, what: 'a virtualization subtype' },
  pythonversion: { ok: isPythonVersion, what: 'a Python version' },
  saltversion: { ok: isToken, what: 'a version' },
  saltversioninfo: { ok: intList(4), what: 'a version' },
};

/** A value as shown in a message: JSON, cut to 60 characters. */
export function preview(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Addresses of `list` that are addresses, at most MAX_ADDRESSES; the rest is described in `dropped`. */
function addressList(list: unknown, what: string, family: 0 | 4 | 6, dropped: string[]): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    dropped.push(`${what} ${preview(list)} (not a list)`);
    return [];
  }
  const kept: string[] = [];
  for (const a of list) {
    if (!isAddress(a) || (family && isIP(a) !== family))
      dropped.push(`${what} entry ${preview(a)} (not an IP${family ? `v${family}` : ''} address)`);
    else if (kept.length >= MAX_ADDRESSES) {
      dropped.push(`${what}: ${list.length - MAX_ADDRESSES} entries over the limit of ${MAX_ADDRESSES}`);
      break;
    } else if (!kept.includes(a)) kept.push(a);
  }
  return kept;
}

/** The facts of a `start` event the master may keep, and what it dropped. */
export function checkFacts(addresses: unknown, grains: unknown): CheckedFacts {
  const dropped: string[] = [];
  const kept = addressList(addresses, 'address', 0, dropped);
  const out: Grains = {};
  if (grains !== undefined && (typeof grains !== 'object' || grains === null || Array.isArray(grains)))
    dropped.push(`grains ${preview(grains)} (not a map)`);
  else if (grains) {
    const g = grains as Record<string, unknown>;
    for (const [key, value] of Object.entries(g)) {
      if (key === 'ipv4' || key === 'ipv6') {
        out[key] = addressList(value, `grain ${key}`, key === 'ipv4' ? 4 : 6, dropped);
        continue;
      }
      const check = GRAIN_CHECKS[key as keyof typeof GRAIN_CHECKS];
      if (!check) dropped.push(`grain ${preview(key)} (not one a host reports)`);
      else if (!check.ok(value)) dropped.push(`grain ${key} ${preview(value)} (not ${check.what})`);
      else out[key] = value;
    }
  }
  return { addresses: kept, grains: out, dropped };
}
