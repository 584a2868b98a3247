// A jump host as written in halite.yaml (per level) or roster.yaml (per host):
// `[user@]host[:port]`, a map {host, port, user}, or false/null for a direct connection.
import type { FieldCheck } from './field-check.ts';
import type { KeyPath } from './yaml-source.ts';
import { isAddress, isPort, isPosixUser, parseEndpoint } from './names.ts';
import { isPlainMap } from './yaml-source.ts';

export interface JumpHost {
  host: string;
  port: number;
  user: string;
}

export const JUMP_FORMS = '"[user@]host[:port]", a map {host, port, user}, or false';

/**
 * Reads a jump host specification. Returns null for "no jump host" and undefined when the value is
 * invalid (the error is reported to `check`).
 */
export function readJump(
  check: FieldCheck,
  path: KeyPath,
  value: unknown,
  defaults: { user: string; port: number },
): JumpHost | null | undefined {
  if (value === null || value === false) return null;
  let host: unknown;
  let port: unknown = defaults.port;
  let user: unknown = defaults.user;
  if (typeof value === 'string') {
    const ep = parseEndpoint(value);
    if (!ep) {
      check.expected(path, JUMP_FORMS, value);
      return undefined;
    }
    host = ep.host;
    port = ep.port ?? port;
    user = ep.user ?? user;
  } else if (isPlainMap(value)) {
    check.unknownKeys(path, value, ['host', 'port', 'user']);
    host = value.host;
    if (value.port !== undefined) port = value.port;
    if (value.user !== undefined) user = value.user;
  } else {
    check.expected(path, JUMP_FORMS, value);
    return undefined;
  }
  const before = check.errors.length;
  if (!isAddress(host)) check.expected([...path, 'host'], 'a hostname or IP address', host);
  if (!isPort(port)) check.expected([...path, 'port'], 'an integer from 1 to 65535', port);
  if (!isPosixUser(user)) check.expected([...path, 'user'], 'a POSIX user name', user);
  if (check.errors.length > before) return undefined;
  return { host: host as string, port: port as number, user: user as string };
}
