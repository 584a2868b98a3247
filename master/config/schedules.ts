// The `schedules` key of halite.yaml: runs the daemon (`halite serve`) starts by itself, each a
// highstate of one level (optionally some of its roles) at the times of a cron expression, either
// applied or in test mode (a drift check), delayed by a random splay so that masters and hosts do
// not all start at the same second.
import { validateDetailed } from 'node-cron';
import type { FieldCheck } from './field-check.ts';
import { isSafeToken } from './names.ts';
import { isPlainMap } from './yaml-source.ts';

export type ScheduleMode = 'apply' | 'test';
export const SCHEDULE_MODES: readonly ScheduleMode[] = ['apply', 'test'];

export interface ScheduleSpec {
  name: string;
  level: string;
  /** Only the hosts of these roles (empty: every host of the level). */
  roles: string[];
  /** Five fields (minute hour day month weekday), or six with seconds first. */
  cron: string;
  mode: ScheduleMode;
  /** Each run waits a random time from 0 to this many seconds before it starts. */
  splay: number;
  /** Line of the entry in the configuration file. */
  line?: number;
}

const KEYS = ['name', 'level', 'role', 'roles', 'cron', 'mode', 'splay'];
/** An hour: a splay longer than that would blur what the cron expression says. */
export const MAX_SPLAY = 3600;

const TOKEN = 'letters, digits, ".", "_" or "-", not starting with "-" or "."';

function readRoles(check: FieldCheck, path: (string | number)[], entry: Record<string, unknown>): string[] {
  if (entry.role !== undefined && entry.roles !== undefined) {
    check.error([...path, 'roles'], 'set role or roles, not both');
    return [];
  }
  if (entry.role !== undefined) {
    if (typeof entry.role === 'string' && isSafeToken(entry.role)) return [entry.role];
    check.expected([...path, 'role'], `a role name (${TOKEN})`, entry.role);
    return [];
  }
  if (entry.roles === undefined) return [];
  if (!Array.isArray(entry.roles) || !entry.roles.length) {
    check.expected([...path, 'roles'], 'a non-empty list of role names', entry.roles);
    return [];
  }
  const roles: string[] = [];
  entry.roles.forEach((r, i) => {
    if (typeof r === 'string' && isSafeToken(r)) roles.push(r);
    else check.expected([...path, 'roles', i], `a role name (${TOKEN})`, r);
  });
  return roles;
}

function readCron(check: FieldCheck, path: (string | number)[], v: unknown): string | undefined {
  if (typeof v !== 'string' || !v.trim()) {
    check.expected(
      path,
      "a cron expression ('0 3 * * *': minute hour day month weekday, an optional seconds field first)",
      v,
    );
    return undefined;
  }
  const cron = v.trim().replace(/\s+/g, ' ');
  const r = validateDetailed(cron);
  if (r.valid) return cron;
  const why = r.errors.map((e) => (e.field === 'expression' ? e.message : `${e.field}: ${e.message}`)).join('; ');
  check.error(path, `not a valid cron expression '${cron}': ${why}`);
  return undefined;
}

/**
 * Validates `schedules` (a list); errors name the file, line and field. `levels`: the configured
 * level names (empty: any level name is accepted, as in the roster).
 */
export function readSchedules(
  check: FieldCheck,
  value: unknown,
  levels: readonly string[],
  lineOf: (path: (string | number)[]) => number | undefined,
): ScheduleSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    check.expected(['schedules'], 'a list of schedules {name, level, role(s), cron, mode, splay}', value);
    return [];
  }
  const out: ScheduleSpec[] = [];
  const seen = new Map<string, number>();
  value.forEach((entry, i) => {
    const path = ['schedules', i];
    if (!isPlainMap(entry)) {
      check.expected(path, 'a map {name, level, role(s), cron, mode, splay}', entry);
      return;
    }
    const before = check.errors.length;
    check.unknownKeys(path, entry, KEYS);
    for (const k of ['name', 'level', 'cron']) if (entry[k] === undefined) check.error(path, `schedule needs '${k}'`);
    const name = entry.name;
    if (name !== undefined && !(typeof name === 'string' && isSafeToken(name)))
      check.expected([...path, 'name'], `a schedule name (${TOKEN})`, name);
    else if (typeof name === 'string' && seen.has(name))
      check.error([...path, 'name'], `schedule '${name}' is already defined at line ${seen.get(name)}`);
    else if (typeof name === 'string') seen.set(name, lineOf([...path, 'name']) ?? 0);
    const level = entry.level;
    if (level !== undefined && !(typeof level === 'string' && isSafeToken(level)))
      check.expected([...path, 'level'], `a level name (${TOKEN})`, level);
    else if (typeof level === 'string' && levels.length && !levels.includes(level)) {
      check.error([...path, 'level'], `unknown level '${level}' (levels: ${levels.join(', ')})`);
    }
    const roles = readRoles(check, path, entry);
    const cron = entry.cron === undefined ? undefined : readCron(check, [...path, 'cron'], entry.cron);
    const mode = entry.mode ?? 'test';
    if (!SCHEDULE_MODES.includes(mode as ScheduleMode))
      check.expected([...path, 'mode'], "'apply' (converge) or 'test' (report drift, change nothing)", mode);
    const splay = entry.splay ?? 0;
    if (!(typeof splay === 'number' && Number.isInteger(splay) && splay >= 0 && splay <= MAX_SPLAY)) {
      check.expected([...path, 'splay'], `a whole number of seconds from 0 to ${MAX_SPLAY}`, splay);
    }
    if (check.errors.length !== before || cron === undefined) return;
    const line = lineOf(path);
    out.push({
      name: name as string,
      level: level as string,
      roles,
      cron,
      mode: mode as ScheduleMode,
      splay: splay as number,
      ...(line !== undefined ? { line } : {}),
    });
  });
  return out;
}
