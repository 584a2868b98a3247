// Arguments are validated and coerced from the declarations: Salt's coercions are accepted, a
// wrong type is an error naming the argument, the value and the type, and an argument accepted
// but not acted upon is reported.
import t from 'tap';
import { parseArgs, describeValue } from '../../../agent/states/arg-parse.ts';
import { declareArgs } from '../../../agent/states/arg-decl.ts';
import { defineState, typedArgs } from '../../../agent/states/define.ts';
import { StateRefusal } from '../../../agent/states/plan.ts';
import { run } from '../execute/harness.ts';

const DECLS = declareArgs({
  text: { type: 'string', doc: 't' },
  flag: { type: 'bool', default: false, doc: 'f' },
  count: { type: 'int', doc: 'c' },
  ratio: { type: 'number', doc: 'r' },
  delay: { type: 'seconds', doc: 'd' },
  names: { type: 'list', doc: 'n' },
  one_or_more: { type: 'str_or_list', doc: 'o' },
  entries: { type: 'items', doc: 'e' },
  opts: { type: 'mapping', doc: 'm' },
  mode: { type: 'mode', doc: 'm' },
  must: { type: 'string', required: true, doc: 'r' },
  later: { type: 'bool', default: true, doc: 'l', unsupported: 'not here' },
});

const parse = (raw: Record<string, unknown>) => parseArgs(DECLS, { name: 'x', must: 'm', ...raw }, 'mod.fun');

t.test('what Salt accepts is coerced to the declared type', async (t) => {
  const r = parse({
    text: 5,
    flag: 'yes',
    count: '5',
    ratio: '0.5',
    delay: '2.5',
    names: ['a', 3],
    one_or_more: 'solo',
    entries: [{ a: 1 }],
    opts: { k: 'v' },
    mode: 644,
  });
  t.same(r.errors, []);
  t.same(r.warnings, []);
  t.match(r.args, {
    text: '5',
    flag: true,
    count: 5,
    ratio: 0.5,
    delay: 2.5,
    names: ['a', '3'],
    one_or_more: ['solo'],
    entries: [{ a: 1 }],
    opts: { k: 'v' },
    mode: '0644',
    must: 'm',
    later: true,
  });
  for (const [given, want] of [
    ['False', false],
    ['off', false],
    [0, false],
    [1, true],
    ['On', true],
    [true, true],
  ] as const) {
    t.equal(parse({ flag: given }).args.flag, want, `flag ${JSON.stringify(given)}`);
  }
  t.same(parse({ mode: '0755' }).args.mode, '0755');
  t.same(parse({ mode: 'keep' }).args.mode, 'keep');
  t.same(parse({ one_or_more: ['a', 'b'] }).args.one_or_more, ['a', 'b']);
});

t.test('a value of the wrong type is an error naming the argument, the value and the type', async (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ delay: '5s' }, `Invalid argument 'delay' for mod.fun: expected seconds (a number of seconds), got "5s"`],
    [{ delay: -1 }, `Invalid argument 'delay' for mod.fun: expected seconds (a number of seconds), got -1`],
    [{ count: '5.5' }, `Invalid argument 'count' for mod.fun: expected int (an integer), got "5.5"`],
    [{ count: true }, `Invalid argument 'count' for mod.fun: expected int (an integer), got true`],
    [{ flag: 'maybe' }, `Invalid argument 'flag' for mod.fun: expected bool (true or false), got "maybe"`],
    [{ text: ['a'] }, `Invalid argument 'text' for mod.fun: expected string (a string), got a list of 1 item`],
    [{ names: 'a' }, `Invalid argument 'names' for mod.fun: expected list of strings (a list of strings), got "a"`],
    [
      { names: [{ a: 1 }] },
      `Invalid argument 'names' for mod.fun: expected list of strings (a list of strings), got a list of 1 item`,
    ],
    [{ opts: 'k=v' }, `Invalid argument 'opts' for mod.fun: expected mapping (a mapping), got "k=v"`],
    [{ entries: { a: 1 } }, `Invalid argument 'entries' for mod.fun: expected list (a list), got a mapping`],
    [
      { mode: '0999' },
      `Invalid argument 'mode' for mod.fun: expected mode (an octal file mode such as 0644), got "0999"`,
    ],
    [{ ratio: 'half' }, `Invalid argument 'ratio' for mod.fun: expected number (a number), got "half"`],
  ];
  for (const [raw, message] of cases) t.same(parse(raw).errors, [message], JSON.stringify(raw));
});

t.test('a long value is described by its kind, never cut', async (t) => {
  const secret = 'x'.repeat(30) + 'tail-of-a-long-secret';
  t.equal(describeValue(secret), 'a string of 51 characters');
  t.notMatch(parse({ count: secret }).errors[0], /xxx/);
  t.equal(describeValue({ password: 'p' }), 'a mapping');
});

t.test('required, defaults, null, unknown and unsupported arguments', async (t) => {
  t.same(parseArgs(DECLS, { name: 'x' }, 'mod.fun').errors, ['Missing parameter must for state mod.fun']);
  t.same(
    parseArgs(DECLS, { name: 'x', must: null }, 'mod.fun').errors,
    ['Missing parameter must for state mod.fun'],
    'null is not given',
  );
  const r = parse({ flag: null, colour: 'red' });
  t.equal(r.args.flag, false, 'null takes the default');
  t.equal(r.args.colour, 'red', 'unknown keywords are kept');
  t.same(r.warnings, ["'colour' is an invalid keyword argument for 'mod.fun'"]);
  t.same(parse({ later: false }).warnings, ["'later' is not supported by mod.fun here and was ignored: not here"]);
  t.same(parse({ later: 'yes' }).warnings, [], 'the default value asks for nothing halite does not do');
  t.same(parseArgs(DECLS, { name: 'x', must: 'm', colour: 1 }, 'mod.fun', true).warnings, [], 'any keyword');
});

t.test('parsing what was parsed gives the same arguments', async (t) => {
  const once = parse({ flag: 'yes', count: '5', names: ['a'], one_or_more: 'b', mode: '644' }).args;
  t.same(parseArgs(DECLS, once, 'mod.fun').args, once);
});

t.test('a defined function types what it is given, for a direct caller too', async (t) => {
  let seen: unknown;
  const fn = defineState({
    doc: 'd',
    args: declareArgs({ n: { type: 'int', default: 3, doc: 'n' } }),
    async check(args) {
      seen = args.n + 1;
      return { status: 'converged', changes: {}, comment: 'ok' };
    },
    apply: async () => ({ changes: {}, comment: '' }),
  });
  await fn.check({ name: 'x' }, {} as never);
  t.equal(seen, 4);
  await fn.check({ name: 'x', n: '7' }, {} as never);
  t.equal(seen, 8);
  await t.rejects(fn.check({ name: 'x', n: 'seven' }, {} as never), StateRefusal);
  t.throws(() => typedArgs(DECLS, { name: 'x' }), /Missing parameter must/);
});

t.test('in a run: a wrong type fails the state, in test mode too; unsupported is a warning', async (t) => {
  const sls = 'svc:\n  service.running:\n    - init_delay: 5s\n';
  for (const test of [false, true]) {
    const r = await run(sls, { test });
    t.match(
      r.byId('svc'),
      {
        result: false,
        comment: `Invalid argument 'init_delay' for service.running: expected seconds (a number of seconds), got "5s"`,
      },
      `test ${test}`,
    );
  }
  const shown = await run('say:\n  test.succeed_without_changes:\n    - comment: 42\n');
  t.match(shown.byId('say'), { result: true, comment: '42' }, 'a number where a string is declared is its text');
});

t.test(
  'in a run: an argument accepted but not acted upon is a warning of the result, whatever the result',
  async (t) => {
    const r = await run(
      'repo:\n  git.latest:\n    - name: https://example.invalid/r.git\n    - target: relative\n    - bare: true\n',
    );
    t.match(r.byId('repo'), {
      result: false,
      comment: "Target 'relative' is not an absolute path",
      warnings: ["'bare' is not supported by git.latest here and was ignored: not implemented"],
    });
  },
);
