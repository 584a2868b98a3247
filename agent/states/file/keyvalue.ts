// file.keyvalue: `key<separator>value` lines (sshd_config, sysctl.conf…), set to the wanted
// value, uncommented when asked, extra occurrences removed, appended or prepended if missing.
import type { Plan, StateContext } from '../types.ts';
import { converged, failed, opsOf, pending } from '../plan.ts';
import type { ArgsOf } from '../arg-decl.ts';
import { defineState } from '../define.ts';
import { editTarget, splitLinesKeep, writeEdit, type EditOps } from './edit.ts';
import { diffOf, notAbsolute } from './common.ts';
import { fileArgs } from './args.ts';

export interface KeyValueOps extends EditOps {
  changed: number;
}

export interface KeyValueOptions {
  values: Record<string, unknown>;
  separator: string;
  /** Characters stripped from the start of a line before looking for a key (undefined: blanks). */
  uncomment?: string;
  /** Occurrences kept and corrected per key: -1 all, 0 none (every line with the key goes). */
  count: number;
  append: boolean;
  prepend: boolean;
  keyIgnoreCase: boolean;
  valueIgnoreCase: boolean;
}

/** Python's str() of a YAML value. */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  return typeof v === 'string' ? v : String(v);
}

function stripLeading(s: string, chars: string | undefined): string {
  let i = 0;
  while (i < s.length && (chars === undefined ? /\s/.test(s[i]) : chars.includes(s[i]))) i++;
  return s.slice(i);
}

/** The edited text and how many lines changed. Pure. */
export function setKeyValues(text: string, o: KeyValueOptions): { text: string; changed: number } {
  const left = new Map(Object.keys(o.values).map((k) => [k, o.count]));
  const out: string[] = [];
  let changed = 0;
  const render = (key: string, sep: string, value: unknown): string => `${key}${sep}${pyStr(value)}\n`;
  for (const original of splitLinesKeep(text)) {
    let line = original;
    const stripped = stripLeading(line, o.uncomment);
    const didUncomment = stripped.length < line.length;
    const probe = o.keyIgnoreCase ? stripped.toLowerCase() : stripped;
    for (const [key, value] of Object.entries(o.values)) {
      const wantKey = o.keyIgnoreCase ? key.toLowerCase() : key;
      if (!probe.startsWith(wantKey)) continue;
      const working = didUncomment ? stripped : line;
      const at = working.indexOf(o.separator);
      if (at === -1) continue;
      const lineKey = working.slice(0, at);
      if ((o.keyIgnoreCase ? lineKey.toLowerCase() : lineKey) !== wantKey) continue;
      let current = working.slice(at + o.separator.length).trim();
      let wanted = pyStr(value).trim();
      if (o.valueIgnoreCase) [current, wanted] = [current.toLowerCase(), wanted.toLowerCase()];
      let same = current === wanted;
      let mustChange = false;
      const n = left.get(key) ?? 0;
      if (didUncomment) {
        if (n > 0) mustChange = true;
        else if (!same) same = true;
      } else if (n === 0) {
        mustChange = true;
      }
      if (!same || mustChange) {
        line = n !== 0 ? render(lineKey, o.separator, value) : '';
        changed++;
      }
      if (n > 0) left.set(key, n - 1);
      break;
    }
    out.push(line);
  }
  const missing = Object.entries(o.values).filter(([k]) => (left.get(k) ?? 0) > 0);
  if (o.append && missing.length) {
    if (out.length && !out[out.length - 1].endsWith('\n')) out[out.length - 1] += '\n';
    for (const [k, v] of missing) out.push(render(k, o.separator, v));
    changed += missing.length;
  } else if (o.prepend && missing.length) {
    for (const [k, v] of missing) out.unshift(render(k, o.separator, v));
    changed += missing.length;
  }
  return { text: out.join(''), changed };
}

const KEYVALUE_ARGS = fileArgs(
  [
    'key',
    'value',
    'key_values',
    'separator',
    'append_if_not_found',
    'prepend_if_not_found',
    'search_only',
    'show_changes',
    'ignore_if_missing',
    'count',
    'uncomment',
    'key_ignore_case',
    'value_ignore_case',
  ],
  { count: { default: 1 } },
);

export async function checkKeyValue(args: ArgsOf<typeof KEYVALUE_ARGS>, ctx: StateContext): Promise<Plan<KeyValueOps>> {
  const name = args.name;
  const bad = notAbsolute(name);
  if (bad) return failed(bad);
  let values: Record<string, unknown>;
  if (args.key !== undefined && args.value !== undefined && args.value !== null) {
    if (args.key_values !== undefined) return failed('file.keyvalue can not combine key_values with key and value');
    values = { [args.key]: args.value };
  } else if (!args.key_values || !Object.keys(args.key_values).length) {
    return failed('file.keyvalue key and value not supplied and key_values is empty');
  } else {
    values = args.key_values;
  }
  const target = await editTarget(ctx, name);
  if (!target) return args.ignore_if_missing ? converged(`unable to open ${name}`) : failed(`unable to open ${name}`);
  const { text, changed } = setKeyValues(target.text, {
    values,
    separator: args.separator,
    uncomment: args.uncomment,
    count: args.count,
    append: args.append_if_not_found,
    prepend: args.prepend_if_not_found,
    keyIgnoreCase: args.key_ignore_case,
    valueIgnoreCase: args.value_ignore_case,
  });
  if (!changed || text === target.text) return converged('');
  const changes = args.show_changes ? { diff: diffOf(ctx, target.text, text) } : {};
  // search_only: the keys are looked for, the file is never written
  if (args.search_only)
    return failed(`File ${name} does not have the key values asked for (${changed} lines differ)`, changes);
  return pending(changes, `File ${name} is set to be changed (${changed} lines)`, {
    name,
    path: target.path,
    text,
    changed,
  });
}

export const keyvalue = defineState({
  doc: 'Keys of a key=value file have these values',
  args: KEYVALUE_ARGS,
  check: checkKeyValue,
  async apply(plan, ctx) {
    const ops = opsOf(plan);
    await writeEdit(ctx, ops);
    return { changes: plan.changes, comment: `Changed ${ops.changed} lines` };
  },
});
