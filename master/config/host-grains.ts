// Grains a host gets from the roster, and `--grain key=value` overrides on top of them.
import { parse } from 'yaml';
import type { Grains } from '../../agent/protocol.ts';
import { IDENTITY_GRAINS, type RosterHost } from './roster.ts';

/** `{...static grains, id, level, roles}`: the roster's identity fields win over its static grains. */
export function rosterGrains(host: Pick<RosterHost, 'id' | 'level' | 'roles' | 'grains'>): Grains {
  return { ...structuredClone(host.grains), id: host.id, level: host.level, roles: [...host.roles] };
}

export interface GrainOverride {
  /** Key path: `os:family` → ['os', 'family']. */
  path: string[];
  value: unknown;
}

/**
 * Parses `key=value`. The value is read as YAML (`true`, `3`, `[a, b]` are a boolean, a number and a
 * list); an empty or unparsable value is a string. Nested keys are separated by ':'.
 * Throws an Error for a malformed spec or an identity grain (id, level, roles: the roster decides those).
 */
export function parseGrainOverride(spec: string): GrainOverride {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`expected key=value, got ${JSON.stringify(spec)}`);
  const path = spec.slice(0, eq).split(':');
  if (path.some((k) => k.trim() === '')) throw new Error(`empty key in ${JSON.stringify(spec.slice(0, eq))}`);
  if (IDENTITY_GRAINS.includes(path[0]))
    throw new Error(`grain '${path[0]}' comes from the roster and cannot be overridden`);
  const raw = spec.slice(eq + 1);
  let value: unknown = raw;
  if (raw !== '') {
    try {
      value = parse(raw);
    } catch {
      value = raw;
    }
  }
  return { path, value };
}

/** A copy of `grains` with the overrides applied in order (later ones win). */
export function applyGrainOverrides(grains: Grains, overrides: readonly GrainOverride[]): Grains {
  const out = structuredClone(grains);
  for (const { path, value } of overrides) {
    let cur: Record<string, unknown> = out;
    for (const key of path.slice(0, -1)) {
      const next = cur[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[key] = {};
      cur = cur[key] as Record<string, unknown>;
    }
    cur[path[path.length - 1]] = structuredClone(value);
  }
  return out;
}
