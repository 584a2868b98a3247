// What the transport connects to: a host (and the jump host in front of it), built from the roster.
import { createHash } from 'node:crypto';
import type { HaliteConfig } from '../config/halite-yaml.ts';
import { type RosterHost, jumpFor } from '../config/roster.ts';

/** One SSH server on the way: the jump host or the target itself. */
export interface Hop {
  address: string;
  port: number;
  user: string;
}

export interface HostTarget extends Hop {
  /** Roster id, used in messages and errors. */
  id: string;
  /** Run commands through `sudo -n` (only when `user` is not root). */
  sudo?: boolean;
  /** The jump host in front of the target; null or absent for a direct connection. */
  jump?: Hop | null;
  /** Private key file for this host instead of the transport's default. */
  key?: string;
  /** The passphrase of `key` (the roster's priv_passwd); never shown. */
  passphrase?: string;
  /** Connection timeout for this host, in milliseconds. */
  connectTimeoutMs?: number;
}

/** `user@address:port` (IPv6 in brackets), the way hops are named in errors. */
export function hopLabel(hop: Hop): string {
  const addr = hop.address.includes(':') ? `[${hop.address}]` : hop.address;
  return `${hop.user}@${addr}:${hop.port}`;
}

/** The key the jump connection cache uses: one connection per distinct jump login. */
export function hopKey(hop: Hop): string {
  return hopLabel(hop);
}

/**
 * What identifies a kept connection to a target: everything but its id (which only names it in
 * errors), the passphrase as a hash.
 */
export function connectionKey(target: HostTarget, prefix?: string): string {
  const { id: _id, passphrase, ...where } = target;
  const secret = passphrase === undefined ? null : createHash('sha256').update(passphrase).digest('hex');
  return JSON.stringify([prefix ?? null, where, secret]);
}

/** The transport target for a roster host, with its jump host from the host or its level. */
export function targetFor(host: RosterHost, config: HaliteConfig): HostTarget {
  const jump = jumpFor(host, config);
  const t: HostTarget = {
    id: host.id,
    address: host.host,
    port: host.port,
    user: host.user,
    sudo: host.sudo,
    jump: jump ? { address: jump.host, port: jump.port, user: jump.user } : null,
  };
  if (host.priv) t.key = host.priv;
  if (host.privPasswd) t.passphrase = host.privPasswd;
  if (host.timeout) t.connectTimeoutMs = host.timeout * 1000;
  return t;
}
