// The hosts `npm run fleet -- up` makes, from its command line:
//   up N                          host1…hostN, no roles
//   up [N] --roles a,b            N hosts per role (default 1), named a1…aN, b1…bN, each with its role
//   up --hosts id=a+b,id2=c,id3   exactly these hosts; `+` joins the roles of one host
// `--level L` gives every host that level.
import type { HostSpec } from './plan.ts';

export interface HostChoice {
  count?: number;
  roles?: string;
  hosts?: string;
  level?: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]*$/;

export function hostSpecs(c: HostChoice): HostSpec[] {
  const level = c.level !== undefined ? { level: c.level } : {};
  const names = (list: string, what: string) =>
    list.split(',').map((s) => {
      const name = s.trim();
      if (!NAME.test(name)) throw new Error(`${what}: "${name}" is not a name (a-z, 0-9, "-", "_")`);
      return name;
    });
  if (c.hosts !== undefined) {
    if (c.roles !== undefined || c.count !== undefined)
      throw new Error('--hosts names every host: give it without a count or --roles');
    return c.hosts.split(',').map((entry) => {
      const [id, roles, extra] = entry.split('=');
      if (extra !== undefined || !id?.trim())
        throw new Error(`--hosts: expected ID or ID=ROLE[+ROLE…], got "${entry}"`);
      return {
        id: id.trim(),
        roles: roles === undefined ? [] : names(roles.replaceAll('+', ','), '--hosts'),
        ...level,
      };
    });
  }
  if (c.roles !== undefined) {
    const perRole = c.count ?? 1;
    return names(c.roles, '--roles').flatMap((role) =>
      Array.from({ length: perRole }, (_, i) => ({ id: `${role}${i + 1}`, roles: [role], ...level })),
    );
  }
  if (c.count === undefined) throw new Error('say which hosts: a count, --roles or --hosts');
  return Array.from({ length: c.count }, (_, i) => ({ id: `host${i + 1}`, ...level }));
}
