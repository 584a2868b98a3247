// Requisite declarations → RawRequisite (one per referenced target), with the structural checks
// of Salt's verify_high: a list of single-key dicts (`- pkg: nginx`) or bare IDs (`- nginx`),
// no dots in the requisite type, string targets.
import type { RawRequisite } from './types.ts';
import { REQUISITE_IN_KEYWORDS } from './keywords.ts';
import { isDict, show } from './data.ts';

export interface ParsedRequisites {
  raw: RawRequisite[];
  /** Problems found, each a sentence without location (callers add file, line and ID). */
  problems: string[];
}

/** Parses the value of requisite keyword `kind` (require, watch_in, use…). */
export function parseRequisites(kind: string, value: unknown): ParsedRequisites {
  const raw: RawRequisite[] = [];
  const problems: string[] = [];
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (isDict(value) && REQUISITE_IN_KEYWORDS.has(kind)) {
    // Salt accepts `require_in: {pkg: nginx}` as a single target map.
    items = Object.entries(value).map(([k, v]) => ({ [k]: v }));
  } else {
    return { raw, problems: [`The ${kind} statement needs to be formed as a list, got ${show(value)}`] };
  }
  for (const item of items) {
    if (typeof item === 'string') {
      raw.push({ kind, state: 'id', ref: item });
      continue;
    }
    const keys = isDict(item) ? Object.keys(item) : [];
    if (keys.length !== 1) {
      problems.push(`requisite declaration ${show(item)} in ${kind} is neither a state ID nor a single-key dictionary`);
      continue;
    }
    let state = keys[0];
    const ref = (item as Record<string, unknown>)[state];
    if (state.includes('.')) {
      const short = state.slice(0, state.indexOf('.'));
      problems.push(
        `invalid requisite type '${state}' in ${kind}: requisite types must not contain dots, did you mean '${short}'?`,
      );
      state = short;
    }
    if (ref === null || ref === undefined) continue;
    if (typeof ref !== 'string') {
      problems.push(`requisite [${kind}: ${state}] must have a string as the value, got ${show(ref)}`);
      continue;
    }
    raw.push({ kind, state, ref });
  }
  return { raw, problems };
}
