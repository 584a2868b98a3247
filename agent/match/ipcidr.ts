// IP/CIDR matcher: an address or network against the minion's `ipv4` / `ipv6` grains.
import { inNetwork, parseAddress, parseNetwork } from './ip.ts';
import { TargetError, type Minion } from './types.ts';

function addresses(grain: unknown): string[] {
  if (Array.isArray(grain)) return grain.filter((x): x is string => typeof x === 'string');
  return typeof grain === 'string' ? [grain] : [];
}

export function ipcidrMatch(tgt: unknown, minion: Minion): boolean {
  if (typeof tgt !== 'string') throw new TargetError(`ipcidr target must be a string, not ${JSON.stringify(tgt)}`);
  const net = parseNetwork(tgt.trim());
  if (typeof net === 'string') throw new TargetError(`invalid IP/CIDR target: ${net}`);
  const grains = minion.grains ?? {};
  for (const a of addresses(grains[`ipv${net.version}`])) {
    const addr = parseAddress(a);
    if (addr && inNetwork(addr, net)) return true;
  }
  return false;
}
