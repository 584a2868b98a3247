// Coded errors as printed to people (one line each) and to programs (JSON). People see each
// distinct error once, with the hosts it concerns: one typo in an SLS shared by five hosts is one
// line, not five.
import { type ErrorData, errorData, formatError } from '../../agent/errors.ts';

/** How many host ids a grouped error names before "and N more". */
export const HOSTS_NAMED = 5;

export interface ErrorGroup {
  /** The error without its host. */
  error: ErrorData;
  /** The hosts it concerns, in the order first seen; empty for an error of no host. */
  hosts: string[];
}

/** Errors equal in everything but their host, together; groups in the order first seen. */
export function groupErrors(errors: readonly ErrorData[]): ErrorGroup[] {
  const groups = new Map<string, ErrorGroup>();
  for (const e of errors) {
    const { host, ...error } = errorData(e);
    const key = JSON.stringify([error.code, error.message, error.file ?? null, error.line ?? null, error.id ?? null]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { error, hosts: [] }));
    if (host !== undefined && !group.hosts.includes(host)) group.hosts.push(host);
  }
  return [...groups.values()];
}

/** `5 hosts: a, b, c, d, e` / `7 hosts: a, b, c, d, e and 2 more`. */
export function hostList(hosts: readonly string[], named = HOSTS_NAMED): string {
  const more = hosts.length > named ? ` and ${hosts.length - named} more` : '';
  return `${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${hosts.slice(0, named).join(', ')}${more}`;
}

/** One line for a group: as formatError for one host (or none), with the host list for several. */
export function formatGroup(g: ErrorGroup): string {
  const [host] = g.hosts;
  if (g.hosts.length > 1) return `${formatError(g.error)} (${hostList(g.hosts)})`;
  // a message that starts with its host's id already says which host
  const named = host === undefined || g.error.message.startsWith(`${host}: `);
  return formatError(named ? g.error : { ...g.error, host });
}

/** One line per distinct error (see groupErrors), each ending with a newline. */
export function formatErrors(errors: readonly ErrorData[]): string {
  return groupErrors(errors)
    .map((g) => formatGroup(g) + '\n')
    .join('');
}

/** Warnings, one per distinct warning, prefixed `warning: `. */
export function formatWarnings(warnings: readonly ErrorData[]): string {
  return groupErrors(warnings)
    .map((g) => `warning: ${formatGroup(g)}\n`)
    .join('');
}

/** `{errors: [...]}` for --out json: every error with its host, not grouped. */
export function errorsDocument(errors: readonly ErrorData[]): { errors: ErrorData[] } {
  return { errors: errors.map(errorData) };
}
