// debconf.set: pre-answers a package's debconf questions with debconf-set-selections.
// Answers to password questions never appear in changes or comments.
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { flag, isDict } from './args.ts';
import { debconfFact } from '../facts/debconf.ts';
import { failureText } from '../backends/apt.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const ARGS = declareArgs({
  data: {
    type: 'mapping',
    required: true,
    doc: 'Answers by question: {type: string|boolean|select|password|…, value: …}',
  },
});

const REDACTED = '**REDACTED**';

interface Answer {
  question: string;
  type: string;
  value: string;
}

export interface DebconfOps {
  pkg: string;
  answers: Answer[];
  unchanged: string[];
}

const TYPES = new Set(['string', 'boolean', 'select', 'multiselect', 'note', 'text', 'password', 'title', 'error']);

function shown(a: Answer, ctx: StateContext): string {
  return a.type === 'password' ? REDACTED : ctx.redact(a.value);
}

/** `data: {question: {type, value}}` → answers, or an error text. */
function readAnswers(data: unknown): Answer[] | string {
  if (!isDict(data)) return "Invalid 'data': expected a mapping of question to {type, value}";
  const out: Answer[] = [];
  for (const [question, spec] of Object.entries(data)) {
    if (!isDict(spec) || typeof spec.type !== 'string')
      return `Invalid answer for '${question}': expected {type, value}`;
    if (!TYPES.has(spec.type)) return `Invalid type '${spec.type}' for '${question}'`;
    const raw = spec.value;
    // debconf booleans are the words true/false; YAML may hand a boolean or 'yes'.
    const value =
      spec.type === 'boolean' ? (flag(raw) ? 'true' : 'false') : raw === null || raw === undefined ? '' : String(raw);
    if (/[\n\r]/.test(value) || /\s/.test(question)) return `Invalid answer for '${question}': values are single lines`;
    out.push({ question, type: spec.type, value });
  }
  return out;
}

const unchangedText = (names: readonly string[]): string =>
  names.length ? `Unchanged answers: ${names.join(' ')}` : '';

async function check(args: ArgsOf<typeof ARGS>, ctx: StateContext): Promise<Plan<DebconfOps>> {
  // the package is the first word of each selection line: one word, not an option
  if (!args.name || /\s/.test(args.name)) return failed(`Invalid package name '${args.name}'`);
  const answers = readAnswers(args.data);
  if (typeof answers === 'string') return failed(answers);
  const db = await ctx.facts.get(debconfFact, '');
  const todo = answers.filter((a) => (db.get(a.question)?.value ?? null) !== a.value);
  const unchanged = answers.filter((a) => !todo.includes(a)).map((a) => a.question);
  if (!todo.length) return converged('All specified answers are already set');
  const changes: Changes = Object.fromEntries(todo.map((a) => [a.question, `New value: ${shown(a, ctx)}`]));
  const comment = [
    `Answers would be set for ${args.name}: ${todo.map((a) => a.question).join(' ')}`,
    unchangedText(unchanged),
  ]
    .filter(Boolean)
    .join('. ');
  return pending(changes, comment, { pkg: args.name, answers: todo, unchanged });
}

async function apply(plan: Plan<DebconfOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const input = ops.answers.map((a) => `${ops.pkg} ${a.question} ${a.type} ${a.value}\n`).join('');
  const argv = ctx.root === '/' ? ['debconf-set-selections'] : ['chroot', ctx.root, 'debconf-set-selections'];
  const r = await ctx.run(argv, { input, env: { LC_ALL: 'C' } });
  ctx.facts.invalidate(debconfFact);
  if (r.code !== 0) {
    const changes: Changes = Object.fromEntries(ops.answers.map((a) => [a.question, 'Failed to set!']));
    const secrets = ops.answers.filter((a) => a.type === 'password' && a.value).map((a) => a.value);
    const why = secrets.reduce((t, s) => t.split(s).join(REDACTED), ctx.redact(failureText(r)));
    return { result: false, changes, comment: `Some settings failed to be applied: ${why}` };
  }
  const changes: Changes = Object.fromEntries(ops.answers.map((a) => [a.question, shown(a, ctx)]));
  const comment = [
    `Answers set for ${ops.pkg}: ${ops.answers.map((a) => a.question).join(' ')}`,
    unchangedText(ops.unchanged),
  ]
    .filter(Boolean)
    .join('. ');
  return { changes, comment };
}

export const set = defineState({
  doc: "The package's debconf answers are set (debconf-set-selections)",
  args: ARGS,
  check,
  apply,
});

const debconfModule: StateModule = { set };
export default debconfModule;
