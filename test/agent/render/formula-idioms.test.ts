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
  [
    '**mapping passes keyword arguments',
    "{% set opts = {'default': 'd'} %}{{ salt['pillar.get']('no:such', **opts) }}",
    'd',
    'Jinja2 docs, Template Designer: calls take Python arguments (jinja2/parser.py parse_call_args, dyn_kwargs)',
  ],
  [
    '**mapping after keyword arguments',
    "{{ salt['pillar.get']('no:such', default=[], **{'delimiter': '/'}) }}",
    '[]',
    'jinja2/parser.py parse_call_args',
  ],
  [
    '*sequence passes positional arguments',
    "{% set a = ['web:lookup:port'] %}{{ salt['pillar.get'](*a) }}",
    '8080',
    'jinja2/parser.py parse_call_args, dyn_args',
  ],
  [
    'both into a macro',
    '{% macro m(a, b=1) %}{{ a }}-{{ b }}{% endmacro %}{{ m(*[1], **{"b": 2}) }}',
    '1-2',
    'jinja2/parser.py parse_call_args',
  ],
  [
    "slsutil.serialize('yaml'): keys sorted, collections of scalars in flow style",
    "{{ salt['slsutil.serialize']('yaml', {'b': [1, 2], 'a': {'x': 'y', 'l': [{'k': 1}]}}) }}",
    'a:\n  l:\n  - {k: 1}\n  x: y\nb: [1, 2]',
    'salt/serializers/yaml.py serialize: yaml.dump with default_flow_style=None',
  ],
  [
    "slsutil.serialize('yaml', default_flow_style=False) as _mapdata.jinja calls it",
    "{{ salt['slsutil.serialize']('yaml', {'b': [1], 'a': 'x'}, default_flow_style=False, allow_unicode=True) }}",
    'a: x\nb:\n- 1',
    'salt/modules/slsutil.py serialize → salt/serializers/yaml.py',
  ],
  [
    "slsutil.serialize('json') keeps the order",
    "{{ salt['slsutil.serialize']('json', {'b': 1, 'a': [1, 'x']}) }}",
    '{"b": 1, "a": [1, "x"]}',
    'salt/serializers/json.py serialize: json.dumps(obj)',
  ],
  [
    'slsutil.deserialize',
    "{{ salt['slsutil.deserialize']('yaml', 'a: [1, yes]') }}",
    "{'a': [1, True]}",
    'salt/modules/slsutil.py deserialize',
  ],
  [
    'slsutil.merge_all and slsutil.boolstr',
    "{{ salt['slsutil.merge_all']([{'a': {'b': 1}}, {'a': {'c': 2}}]) }} {{ salt['slsutil.boolstr'](1, 'yes', 'no') }}",
    "{'a': {'b': 1, 'c': 2}} yes",
    'salt/modules/slsutil.py merge_all, boolstr',
  ],
  [
    'file.join, file.dirname, file.basename as os.path does',
    "{{ salt['file.join']('/a', 'b', '/c', 'd') }} {{ salt['file.dirname']('/etc/nginx/x.conf') }} {{ salt['file.basename']('/a/b') }}",
    '/c/d /etc/nginx b',
    'salt/modules/file.py join (os.path.join), dirname, basename',
  ],
  [
    'cp.list_states lists the SLS names of the tree',
    "{{ 'lib.catalog' in salt['cp.list_states']() }} {{ 'app' in salt['cp.list_states']() }}",
    'True False',
    'salt/fileclient.py list_states: a/b.sls is a.b, a/init.sls is a',
  ],
  [
    'cp.list_master and cp.list_master_dirs with a prefix',
    "{{ salt['cp.list_master'](prefix='lib/d') }} {{ salt['cp.list_master_dirs']() }}",
    "['lib/data.json', 'lib/data.yaml'] ['lib']",
    'salt/modules/cp.py list_master, list_master_dirs',
  ],
  [
    'slsutil.file_exists reads the state tree',
    "{{ salt['slsutil.file_exists']('lib/map.jinja') }} {{ salt['slsutil.file_exists']('salt://lib/nope') }} {{ salt['slsutil.dir_exists']('lib') }}",
    'True False True',
    'salt/modules/slsutil.py file_exists, dir_exists',
  ],
  [
    'a module as an attribute of salt',
    "{{ salt.pillar.get('web:lookup:port') }} {{ salt.grains.get('os') }}",
    '8080 Debian',
    "salt/loader/lazy.py: the loader's functions are reached as salt.module.function too",
  ],
  [
    'mine.get with a compound target, from the grains hosts reported',
    "{{ salt['mine.get']('G@os:Debian and db*', 'network.ip_addrs', 'compound') }} {{ salt['mine.get']('os:Debian', 'network.ip_addrs', tgt_type='grain') }}",
    "{'db1': ['10.0.1.7']} {'db1': ['10.0.1.7']}",
    'salt/modules/mine.py get: any tgt_type the master matches',
  ],
  [
    'loop.previtem and loop.nextitem, undefined at the ends',
    "{% for x in [1, 2, 3] %}{{ loop.previtem if loop.previtem is defined else '-' }}{{ loop.nextitem is defined }} {% endfor %}",
    '-True 1True 2False ',
    'Jinja2 docs, Template Designer, for: loop.previtem, loop.nextitem (2.10)',
  ],
  [
    'loop.cycle and loop.depth',
    "{% for x in 'abc' %}{{ loop.cycle('odd', 'even') }}{{ loop.depth }}{{ loop.depth0 }} {% endfor %}",
    'odd10 even10 odd10 ',
    'Jinja2 docs, Template Designer, for: loop.cycle, loop.depth',
  ],
  [
    'loop variables of an outer loop stay its own',
    "{% for a in [1, 2] %}{% for b in ['x', 'y'] %}{{ loop.previtem is defined }}{% endfor %}{{ loop.nextitem is defined }};{% endfor %}",
    'FalseTrueTrue;FalseTrueFalse;',
    'Jinja2 docs, Template Designer, for',
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

t.test('what follows * and ** must be a sequence and a mapping', async (t) => {
  t.match(render("{{ dict(**['a']) }}").error?.message, /argument after \*\* must be a mapping, not list/);
  t.match(render('{{ dict(*3) }}').error?.message, /argument after \* must be an iterable, not int/);
  t.match(render('{{ dict(**nope) }}').error?.message, /'nope' is undefined/);
});

t.test('a host function reached as salt.module.function is one on the master too', async (t) => {
  t.match(render('{{ salt.user.info("root") }}').error?.message, /salt function 'user\.info' asks the host itself/);
  t.match(render('{{ salt.nomodule.x() }}').error?.message, /salt function 'nomodule' is not available/);
  t.match(render('{{ salt.pillar.nope() }}').error?.message, /salt function 'pillar\.nope' is not available/);
});

t.test('a macro that uses an undefined argument says why its caller found nothing', async (t) => {
  // Jinja2's Undefined carries its hint into the macro: "'dict object' has no attribute 'repo'"
  const src = [
    '{%- macro kwargs(d) -%}{% filter indent(4) %}{% for k, v in d | dictsort %}- {{ k }}: {{ v }}{% endfor %}{% endfilter %}{%- endmacro %}',
    'x:',
    '  {{- kwargs(pillar.web.repo) }}',
  ].join('\n');
  t.match(render(src).error?.message, /'dict object' has no attribute 'repo'/);
  t.match(render('{% macro m(a) %}{{ a }}{% endmacro %}{{ m(nope) }}').error?.message, /'nope' is undefined/);
  t.equal(render('{% macro m(a) %}{{ a is defined }}{% endmacro %}{{ m(nope) }} {{ 1 }}').text, 'False 1');
});
