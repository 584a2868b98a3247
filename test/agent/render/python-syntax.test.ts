// Jinja as Python writes it, in files real formulas ship (libtofs.jinja and its kin): a comma after
// the last argument or parameter, tuples without parentheses in `set`, and unpacking assignment.
import t from 'tap';
import { render } from './fixtures.ts';

const cases: Array<[string, string]> = [
  ['{% macro f(a, b,) %}{{ a }}{{ b }}{% endmacro %}{{ f(1, 2,) }}', '12'],
  ["{{ salt['pillar.get']('missing', 'd',) }}", 'd'],
  ["{{ 'a,b'.split(',',) | join('+') }}", 'a+b'],
  ['{{ dict(a=1, b=2,) | json }}', '{"a": 1, "b": 2}'],
  ["{{ '%s-%s' | format('a', 'b',) }}", 'a-b'],
  ['{% set a, b = 1, 2 %}{{ a }}{{ b }}', '12'],
  ['{% set a, b = [3, 4] %}{{ a }}-{{ b }}', '3-4'],
  ['{% set x = 1, 2 %}{{ x }}', '(1, 2)'],
  ['{% set x = 1, 2, %}{{ x | length }}', '2'],
  ["{% for p in [(1, 'a'), (2, 'b')] %}{% set n, l = p %}{{ n }}{{ l }}{% endfor %}", '1a2b'],
  ['{% set y %}cap{% endset %}{{ y }}', 'cap'],
  ['{% set ns = namespace(v=0) %}{% set ns.v = 5 %}{{ ns.v }}', '5'],
];

for (const [src, want] of cases) {
  t.test(src, async (t) => {
    const r = render(src);
    t.equal(r.error, undefined, r.error?.message ?? 'renders');
    t.equal(r.text, want);
  });
}

t.test('a missing comma between arguments is still an error', async (t) => {
  t.match(render("{{ salt['pillar.get']('a' 'b') }}").error?.message, /expected ',' between arguments/);
  t.match(render('{{ f(1,,) }}').error?.message, /expected an expression/);
});
