// Salt's YAML loader rules (PyYAML SafeLoader, YAML 1.1, plus salt/utils/yamlloader.py).
import t from 'tap';
import { parseYaml, loadYaml } from '../../../agent/render/yaml.ts';

const scalars: Array<[text: string, value: unknown]> = [
  ['yes', true],
  ['No', false],
  ['on', true],
  ['OFF', false],
  ['true', true],
  ['False', false],
  ['y', 'y'],
  ['n', 'n'],
  ['~', null],
  ['null', null],
  ['', null],
  ['0644', 644],
  ['0', 0],
  ['00', 0],
  ['-0644', -420],
  ['0x1F', 31],
  ['0b101', 5],
  ['1_000', 1000],
  ['09', '09'],
  ['1:30', 90],
  ['190:20:30', 685230],
  ['1.5', 1.5],
  ['1.0e+3', 1000],
  ['1e3', '1e3'],
  ['.inf', Infinity],
  ['-.inf', -Infinity],
  ['2024-01-02', '2024-01-02'],
  ['2024-01-02 10:00:00', '2024-01-02 10:00:00'],
  ["'yes'", 'yes'],
  ['"0644"', '0644'],
  ['!!str 12', '12'],
];

t.test('scalars resolve as in Salt', async (t) => {
  for (const [text, value] of scalars) {
    const r = parseYaml(`k: ${text}\n`, 'x.sls');
    t.same(r.errors, [], `${text}: no error`);
    t.same((r.data as Record<string, unknown>).k, value, `${JSON.stringify(text)} → ${String(value)}`);
  }
  const nan = parseYaml('k: .nan\n', 'x.sls').data as Record<string, number>;
  t.ok(Number.isNaN(nan.k), '.nan');
});

t.test('merge keys and anchors', async (t) => {
  const r = parseYaml('base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  y: 3\n', 'x.sls');
  t.same(r.data, { base: { x: 1, y: 2 }, thing: { x: 1, y: 3 } });
});

t.test('top-level key lines', async (t) => {
  const r = parseYaml('# comment\nfirst:\n  a: 1\n\n"second id":\n  b: 2\nthird: 3\n', 'x.sls');
  t.same(r.lines, { first: 2, 'second id': 5, third: 7 });
});

t.test('empty documents', async (t) => {
  t.equal(parseYaml('', 'x.sls').data, null);
  t.equal(parseYaml('# only a comment\n', 'x.sls').data, null);
});

t.test('loadYaml reports the first problem with its line', async (t) => {
  t.same(loadYaml('a: [1, 2]\n'), { value: { a: [1, 2] } });
  const bad = loadYaml('a: 1\na: 2\n');
  t.equal(bad.problem?.line, 2);
  t.match(bad.problem?.message, /found conflicting ID 'a'/);
});

t.test('alias explosions are an error, not a hang or a throw', async (t) => {
  let y = 'a0: &a0 [x]\n';
  for (let i = 1; i < 12; i++)
    y += `a${i}: &a${i} [${Array(10)
      .fill(`*a${i - 1}`)
      .join(', ')}]\n`;
  const r = parseYaml(y, 'x.sls');
  t.equal(r.errors.length, 1);
  t.match(r.errors[0].message, /Excessive alias count/);
});
