// Salt's "nested" outputter: the layout highstate output uses for a state's changes.
import type { Colors } from './colors.ts';

function line(indent: number, color: (s: string) => string, msg: string, prefix = '', suffix = ''): string {
  return `${' '.repeat(indent)}${color(`${prefix}${msg}`)}${suffix}`;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

/** Renders `value` as Salt's nested outputter does, starting at `indent` spaces. */
export function nested(value: unknown, indent: number, c: Colors, prefix = '', out: string[] = []): string[] {
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') {
    out.push(line(indent, c.yellow, scalar(value), prefix));
  } else if (typeof value === 'string') {
    const lines = value.split(/\r?\n/);
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((l, i) => out.push(line(indent, c.green, l, i === 0 ? prefix : ' '.repeat(prefix.length))));
  } else if (Array.isArray(value)) {
    for (const item of value) {
      if (Array.isArray(item) || isMapping(item)) {
        out.push(line(indent, c.green, '|_'));
        nested(item, indent + 2, c, isMapping(item) ? '' : '- ', out);
      } else {
        nested(item, indent, c, '- ', out);
      }
    }
  } else if (isMapping(value)) {
    if (indent) out.push(line(indent, c.cyan, '----------'));
    for (const key of Object.keys(value).sort()) {
      out.push(line(indent, c.cyan, key, prefix, ':'));
      nested(value[key], indent + 4, c, '', out);
    }
  } else {
    out.push(line(indent, c.green, String(value), prefix));
  }
  return out;
}
