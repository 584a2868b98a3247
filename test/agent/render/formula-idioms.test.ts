// What published Salt formulas write in their templates, rendered as Salt renders it. Each case
// names the Salt or Jinja2 source its expectation comes from.
import t from 'tap';
import { render } from './fixtures.ts';
import type { RenderContext } from '../../../agent/render/context.ts';
import { ctx } from './fixtures.ts';

type Case = [name: string, source: string, expected: string, reference: string];

const cases: Case[] = [
  [
    'a #} in template text is text',
    'a: 1\n  ## only here #}\nb: 2',
    'a: 1\n  ## only here #}\nb: 2',
    "jinja2/lexer.py: the root state ends data only at '{%', '{{' or '{#'",
  ],
  ['a #} after a comment and before a tag', '{# c #}x #} y{{ 1 }}', 'x #} y1', 'jinja2/lexer.py root state'],
  [
    'log functions return True',
    "{{ salt['log.debug']('d') }} {{ salt['log.info']('i') }} {{ salt['log.warning']('w') }} {{ salt['log.error']('e') }}",
    'True True True True',
    'salt/modules/logmod.py: each function logs its message and returns True',
  ],
  [
    'log.debug in a do statement',
    "{%- do salt['log.debug']('dump: ' ~ {'a': 1} | yaml(False)) %}ok",
    'ok',
    'salt/modules/logmod.py, used by the _mapdata.sls of template-formula',
  ],
];

for (const [name, src, want, ref] of cases) {
  t.test(`${name} (${ref})`, async (t) => {
    const r = render(src);
    t.equal(r.error, undefined, r.error?.message ?? 'renders');
    t.equal(r.text, want);
  });
}

t.test('log.warning and log.error reach the render log; debug and info do not', async (t) => {
  const seen: string[] = [];
  const c: RenderContext = { ...ctx, log: (level, m) => void seen.push(`${level}:${m}`) };
  const src =
    "{% do salt['log.debug']('d') %}{% do salt['log.info']('i') %}{% do salt['log.warning']('w') %}{% do salt['log.critical']('c') %}";
  t.equal(render(src, {}, 'app/init.sls', c).error, undefined);
  t.same(seen, ['warning:w', 'critical:c']);
});
