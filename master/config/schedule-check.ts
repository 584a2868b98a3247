// What `halite lint` checks of the schedules beyond halite.yaml's own syntax: each names roles that
// exist (an error: the run would select nothing it was meant to), and a level with hosts in the
// roster (a warning: the level may be filled later).
import type { ErrorData } from '../../agent/errors.ts';
import type { HaliteConfig } from './halite-yaml.ts';
import type { RoleSet } from './roles.ts';
import type { Roster } from './roster.ts';

export function checkSchedules(
  config: HaliteConfig,
  roles: RoleSet | undefined,
  roster: Roster,
): { errors: ErrorData[]; warnings: ErrorData[] } {
  const errors: ErrorData[] = [];
  const warnings: ErrorData[] = [];
  const at = (line: number | undefined): Pick<ErrorData, 'file' | 'line'> => ({
    ...(config.file ? { file: config.file } : {}),
    ...(line !== undefined ? { line } : {}),
  });
  for (const s of config.schedules) {
    const unknown = roles ? s.roles.filter((r) => !roles.names.includes(r)) : [];
    if (unknown.length)
      errors.push({
        code: 'CONFIG',
        message: `schedule ${s.name}: no such role: ${unknown.join(', ')} (roles: ${roles!.names.join(', ') || 'none'})`,
        ...at(s.line),
      });
    const hosts = roster.hosts.filter(
      (h) => h.level === s.level && (!s.roles.length || h.roles.some((r) => s.roles.includes(r))),
    );
    if (!hosts.length && !unknown.length) {
      warnings.push({
        code: 'CONFIG',
        message: `schedule ${s.name}: no roster host of level ${s.level}${s.roles.length ? ` with role ${s.roles.join(' or ')}` : ''}: its runs do nothing`,
        ...at(s.line),
      });
    }
  }
  return { errors, warnings };
}
