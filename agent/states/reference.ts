// The state reference, generated from the declarations: one Markdown page per module, each
// function with its arguments (type, default, required, support, doc). docs/states/ holds the
// pages; `halite doc` prints them.
import { modules } from './index.ts';
import { TYPE_LABEL, type ArgDecl } from './arg-decl.ts';
import type { StateFunction } from './types.ts';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultText(d: ArgDecl): string {
  return d.default === undefined ? '' : `\`${cell(JSON.stringify(d.default))}\``;
}

function argRow(name: string, d: ArgDecl): string {
  const support = d.unsupported ? `ignored: ${d.unsupported}` : 'yes';
  return `| ${name} | ${TYPE_LABEL[d.type]} | ${defaultText(d)} | ${d.required ? 'yes' : ''} | ${cell(support)} | ${cell(d.doc)} |`;
}

/** The section of one function: its doc, then its arguments. */
export function functionSection(mod: string, fun: string, fn: StateFunction): string {
  const lines = [`## ${mod}.${fun}`, '', fn.doc, ''];
  lines.push('| Argument | Type | Default | Required | Supported | Description |', '|---|---|---|---|---|---|');
  lines.push(argRow('name', { type: 'string', required: true, doc: 'The ID of the state, unless given' }));
  for (const [name, d] of Object.entries(fn.args)) lines.push(argRow(name, d));
  lines.push('');
  if (fn.anyKeyword) lines.push('Any other keyword is accepted and ignored.', '');
  if (fn.modWatch) lines.push('A `watch` on this state runs its watch reaction when the watched state changes.', '');
  return lines.join('\n');
}

export function moduleNames(): string[] {
  return Object.keys(modules).sort();
}

/** The page of one module. */
export function modulePage(mod: string): string {
  const head = [
    `# ${mod} states`,
    '',
    `The state functions of the \`${mod}\` module and their arguments. Generated from the argument`,
    'declarations by `npm run docs:states`; `halite doc` prints the same. An argument marked',
    '"ignored" is accepted, as in Salt, and reported in the result\'s warnings when given.',
    '',
  ];
  const funs = Object.entries(modules[mod]).sort(([a], [b]) => a.localeCompare(b));
  return [...head, ...funs.map(([fun, fn]) => functionSection(mod, fun, fn))].join('\n');
}

/** What `halite doc TOPIC` prints: a module's page, or one function's section; undefined when unknown. */
export function stateDoc(topic: string): string | undefined {
  const [mod, fun, ...rest] = topic.split('.');
  if (rest.length || !Object.prototype.hasOwnProperty.call(modules, mod)) return undefined;
  if (fun === undefined) return modulePage(mod);
  const fn = Object.prototype.hasOwnProperty.call(modules[mod], fun) ? modules[mod][fun] : undefined;
  return fn ? functionSection(mod, fun, fn) : undefined;
}

/** Every page: file name (`pkg.md`) → text. */
export function referencePages(): Record<string, string> {
  return Object.fromEntries(moduleNames().map((m) => [`${m}.md`, modulePage(m)]));
}
