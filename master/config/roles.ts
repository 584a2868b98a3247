// Role files, roles/<name>.yaml: what a role is for, the roles it needs first, how many hosts it has
// per level and the ports it opens. Which states a role's hosts get is said in one place only, the
// state tree's top file (matching the roster's `roles` grain). Errors are CONFIG errors naming the file,
// line and field; dependency cycles are printed as a path.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorData } from '../../agent/errors.ts';
import { FieldCheck, fieldName } from './field-check.ts';
import { isPort, isSafeToken } from './names.ts';
import type { RosterHost } from './roster.ts';
import { type KeyPath, isPlainMap, parseYamlSource } from './yaml-source.ts';

export const PROTOCOLS = ['tcp', 'udp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** `from` may name roles, or `all` for every host. */
export const FROM_ALL = 'all';

export interface PortRule {
  port: number;
  proto: Protocol;
  /** Role names whose hosts may connect, or ['all']. */
  from: string[];
}

export interface Role {
  /** The file name without `.yaml`. */
  name: string;
  file: string;
  description: string;
  /** Roles whose hosts must be converged before this role's. */
  dependsOn: string[];
  /** Expected number of hosts per level. */
  count: Record<string, number>;
  ports: PortRule[];
  /** Line of each top-level field, for errors found after parsing. */
  lines: Partial<Record<RoleField, number>>;
  /**
   * Line of each role name a field refers to, by field name (`depends_on[1]`, `ports[0].from[2]`),
   * where it differs from the field's.
   */
  refLines?: Record<string, number>;
}

/** An error in the roles, with the roles it concerns: a file's own, or every role of a cycle. */
export interface RoleIssue {
  error: ErrorData;
  /** The roles it concerns; empty when it concerns every role (the directory cannot be read). */
  roles: string[];
}

export interface RoleSet {
  dir: string;
  /** Valid roles by name, sorted by name. */
  roles: Map<string, Role>;
  /** Every role that has a file, valid or not, sorted. */
  names: string[];
  /** Every error, in file order. */
  errors: ErrorData[];
  /** The same errors, each with the roles it concerns. */
  issues: RoleIssue[];
}

const FIELDS = ['description', 'depends_on', 'count', 'ports'] as const;
type RoleField = (typeof FIELDS)[number];
const PORT_FIELDS = ['port', 'proto', 'from'];

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function stringList(
  check: FieldCheck,
  field: string,
  value: unknown,
  what: string,
  ok: (v: unknown) => boolean,
): string[] {
  if (!Array.isArray(value)) {
    check.expected([field], `a list of ${what}s`, value);
    return [];
  }
  value.forEach((v, i) => {
    if (!ok(v)) check.expected([field, i], `a ${what}`, v);
  });
  return value.filter(ok) as string[];
}

function readPorts(check: FieldCheck, value: unknown): PortRule[] {
  if (!Array.isArray(value)) {
    check.expected(['ports'], 'a list of {port, proto, from}', value);
    return [];
  }
  const out: PortRule[] = [];
  value.forEach((p, i) => {
    if (!isPlainMap(p)) return check.expected(['ports', i], 'a map {port, proto, from}', p);
    const before = check.errors.length;
    check.unknownKeys(['ports', i], p, PORT_FIELDS);
    if (!isPort(p.port)) check.expected(['ports', i, 'port'], 'an integer from 1 to 65535', p.port);
    if (!PROTOCOLS.includes(p.proto as Protocol))
      check.expected(['ports', i, 'proto'], PROTOCOLS.join(' or '), p.proto);
    if (!Array.isArray(p.from) || !p.from.length)
      check.expected(['ports', i, 'from'], `a non-empty list of role names or '${FROM_ALL}'`, p.from);
    else
      p.from.forEach(
        (f, j) => isSafeToken(f) || check.expected(['ports', i, 'from', j], `a role name or '${FROM_ALL}'`, f),
      );
    if (check.errors.length === before)
      out.push({ port: p.port as number, proto: p.proto as Protocol, from: p.from as string[] });
  });
  return out;
}

/** Validates one role file; `name` comes from the file name. Returns the role when it has no errors. */
export function parseRole(
  text: string,
  file: string,
  name: string,
  opts: { levels?: readonly string[] } = {},
): { role?: Role; errors: ErrorData[] } {
  const src = parseYamlSource(text, file, 'CONFIG');
  if (src.errors.length) return { errors: src.errors };
  const check = new FieldCheck(src, 'CONFIG');
  if (!isSafeToken(name))
    check.error([], `role name ${JSON.stringify(name)} (from the file name) must be letters, digits, ".", "_" or "-"`);
  const data = src.data ?? {};
  if (!isPlainMap(data)) {
    check.expected([], 'a map {description, depends_on, count, ports}', data);
    return { errors: check.errors };
  }
  if ('states' in data)
    check.error(
      ['states'],
      `not a role field: the top file says which states a role's hosts get ('roles:${name}': [match: grain, SLS…] in top.sls)`,
    );
  check.unknownKeys([], Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'states')), FIELDS);
  const { description, depends_on = [], count = {}, ports = [] } = data;
  if (description === undefined) check.error(['description'], 'required: a one-line description of the role');
  else if (!isText(description)) check.expected(['description'], 'a non-empty string', description);
  const role: Role = {
    name,
    file,
    description: String(description ?? ''),
    dependsOn: stringList(check, 'depends_on', depends_on, 'role name', isSafeToken),
    count: {},
    ports: readPorts(check, ports),
    lines: {},
  };
  if (!isPlainMap(count)) check.expected(['count'], 'a map {level: number of hosts}', count);
  else {
    for (const [level, n] of Object.entries(count)) {
      if (opts.levels?.length && !opts.levels.includes(level))
        check.error(['count', level], `unknown level (the configuration knows: ${opts.levels.join(', ')})`);
      else if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0))
        check.expected(['count', level], 'a whole number of hosts', n);
      else role.count[level] = n;
    }
  }
  if (role.dependsOn.includes(name)) check.error(['depends_on'], `role ${name} cannot depend on itself`);
  for (const f of FIELDS) {
    const line = f in data ? src.lineOf([f]) : undefined;
    if (line !== undefined) role.lines[f] = line;
  }
  const refs: KeyPath[] = [
    ...role.dependsOn.map((_, i) => ['depends_on', i]),
    ...role.ports.flatMap((p, i) => p.from.map((_, j) => ['ports', i, 'from', j])),
  ];
  for (const path of refs) {
    const line = src.lineOf(path);
    if (line !== undefined && line !== role.lines[path[0] as RoleField]) (role.refLines ??= {})[fieldName(path)] = line;
  }
  return check.errors.length ? { errors: check.sortedErrors() } : { role, errors: [] };
}

/** An error of `role` at the line of `path` (a field, or a role name in one), else of its field. */
function roleError(role: Role, path: KeyPath, message: string): ErrorData {
  const e: ErrorData = { code: 'CONFIG', message, file: role.file };
  const line = role.refLines?.[fieldName(path)] ?? role.lines[path[0] as RoleField];
  if (line !== undefined) e.line = line;
  return e;
}

/** A dependency cycle as a path `a -> b -> a`, or undefined. Roles are visited by name. */
export function findCycle(roles: ReadonlyMap<string, Role>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'open') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'open');
    stack.push(name);
    for (const dep of roles.get(name)?.dependsOn ?? []) {
      if (!roles.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of [...roles.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * Checks between roles: depends_on and ports.from name existing roles (`names`: every role with a
 * file, valid or not; default the valid ones), no dependency cycle. Each issue concerns the role
 * whose file has the field; a cycle concerns every role on it.
 */
export function roleSetIssues(
  roles: ReadonlyMap<string, Role>,
  names: readonly string[] = [...roles.keys()],
): RoleIssue[] {
  const issues: RoleIssue[] = [];
  const exists = new Set(names);
  const known = [...exists].sort().join(', ');
  for (const role of roles.values()) {
    const add = (path: KeyPath, message: string) =>
      issues.push({ error: roleError(role, path, message), roles: [role.name] });
    role.dependsOn.forEach((dep, i) => {
      if (!exists.has(dep)) add(['depends_on', i], `depends_on: no role named '${dep}' (roles: ${known})`);
    });
    role.ports.forEach((rule, i) =>
      rule.from.forEach((f, j) => {
        if (f !== FROM_ALL && !exists.has(f))
          add(
            ['ports', i, 'from', j],
            `ports: port ${rule.port}/${rule.proto} from '${f}': no such role (roles: ${known}; or '${FROM_ALL}')`,
          );
      }),
    );
  }
  const cycle = findCycle(roles);
  if (cycle) {
    const first = roles.get(cycle[0])!;
    const error = roleError(
      first,
      ['depends_on', first.dependsOn.indexOf(cycle[1])],
      `depends_on: dependency cycle: ${cycle.join(' -> ')}`,
    );
    issues.push({ error, roles: [...new Set(cycle)] });
  }
  return issues;
}

/** Reads and validates every `*.yaml` file in `dir`. A missing directory is an error. */
export function loadRoles(dir: string, opts: { levels?: readonly string[] } = {}): RoleSet {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message;
    const error: ErrorData = { code: 'CONFIG', message: `cannot read roles: ${reason}`, file: dir };
    return { dir, roles: new Map(), names: [], errors: [error], issues: [{ error, roles: [] }] };
  }
  const roles = new Map<string, Role>();
  const issues: RoleIssue[] = [];
  const names = files.map((f) => f.slice(0, -'.yaml'.length));
  for (const [i, f] of files.entries()) {
    const file = join(dir, f);
    const name = names[i];
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      issues.push({
        error: { code: 'CONFIG', message: `cannot read role: ${(err as Error).message}`, file },
        roles: [name],
      });
      continue;
    }
    const r = parseRole(text, file, name, opts);
    issues.push(...r.errors.map((error) => ({ error, roles: [name] })));
    if (r.role) roles.set(r.role.name, r.role);
  }
  // a role with an invalid file still exists for the others: it is not reported as missing too
  issues.push(...roleSetIssues(roles, names));
  return { dir, roles, names, errors: issues.map((i) => i.error), issues };
}

/** Every role `name` depends on, directly or through other roles (cycles tolerated). */
export function transitiveDeps(roles: ReadonlyMap<string, Role>, name: string): Set<string> {
  const out = new Set<string>();
  const todo = [...(roles.get(name)?.dependsOn ?? [])];
  while (todo.length) {
    const d = todo.pop()!;
    if (out.has(d)) continue;
    out.add(d);
    todo.push(...(roles.get(d)?.dependsOn ?? []));
  }
  out.delete(name);
  return out;
}

/**
 * The depth of each role of `among` (default: all): 0 when it depends on none of them, else one more
 * than the deepest of them it depends on, directly or through roles outside `among`. Roles of equal
 * depth never depend on each other. Roles unknown to `roles` have depth 0. Assumes no cycle.
 */
export function roleDepths(
  roles: ReadonlyMap<string, Role>,
  among: Iterable<string> = roles.keys(),
): Map<string, number> {
  const present = new Set(among);
  const depth = new Map<string, number>();
  const of = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    depth.set(name, 0); // guards against a cycle in unvalidated input
    let d = 0;
    for (const dep of transitiveDeps(roles, name)) if (present.has(dep)) d = Math.max(d, of(dep) + 1);
    depth.set(name, d);
    return d;
  };
  for (const name of present) of(name);
  return depth;
}

/** Level by level, roles whose count differs from the number of roster hosts having them. */
export function countMismatches(roles: ReadonlyMap<string, Role>, hosts: readonly RosterHost[]): ErrorData[] {
  const out: ErrorData[] = [];
  for (const role of roles.values()) {
    for (const [level, n] of Object.entries(role.count)) {
      const have = hosts.filter((h) => h.level === level && h.roles.includes(role.name));
      if (have.length === n) continue;
      const which = have.length ? ` (${have.map((h) => h.id).join(', ')})` : '';
      out.push(
        roleError(
          role,
          ['count'],
          `count.${level}: ${n} host${n === 1 ? '' : 's'} expected, the roster has ${have.length}${which}`,
        ),
      );
    }
  }
  return out;
}
