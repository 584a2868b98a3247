// Table-driven template tests: Jinja source rendered with the fixture context → expected text.
// Expectations are what Salt (Jinja2 + Salt's extensions) renders for the same source.
import t from 'tap';
import { render } from './fixtures.ts';

type Case = [name: string, source: string, expected: string];

const context: Case[] = [
  ['grains by attribute and item', "{{ grains.id }}|{{ grains['os'] }}", 'web1|Debian'],
  ['pillar nested', '{{ pillar.web.lookup.port }}', '8080'],
  [
    'sls variables',
    '{{ opts.file_client }} {{ saltenv }} {{ sls }} {{ slspath }} {{ tpldir }} {{ tplfile }}',
    'local base app app app app/init.sls',
  ],
  ['Python literals', '{{ True }} {{ False }} {{ None }} {{ true }} {{ none }}', 'True False None True None'],
  ['None from data prints None', '{{ pillar.nothing }}', 'None'],
  ['extra context wins', '{{ who }}', 'me'],
];

const printing: Case[] = [
  ['list repr', "{{ [1, 'a', None, True, 1.5] }}", "[1, 'a', None, True, 1.5]"],
  ['dict repr', "{{ {'a': 1, 'b': [2]} }}", "{'a': 1, 'b': [2]}"],
  ['quote choice in repr', `{{ ["it's", 'say "x"'] }}`, `["it's", 'say "x"']`],
  ['tuples', '{{ (1, 2) }} {{ (1,) }} {{ () }}', '(1, 2) (1,) ()'],
  ['concat with ~ uses str()', "{{ 'n=' ~ 1 ~ None ~ True }}", 'n=1NoneTrue'],
];

const saltFns: Case[] = [
  ['pillar.get path', "{{ salt['pillar.get']('web:lookup:port') }}", '8080'],
  ['pillar.get default', "{{ salt['pillar.get']('no:such', 'dflt') }}", 'dflt'],
  ["pillar.get default is ''", "[{{ salt['pillar.get']('no:such') }}]", '[]'],
  ['pillar.get delimiter', "{{ salt['pillar.get']('web/lookup/port', delimiter='/') }}", '8080'],
  ['pillar.get list index', "{{ salt['pillar.get']('list:1:name') }}", 'y'],
  ['pillar.get key inside list of dicts', "{{ salt['pillar.get']('list:name') }}", 'x'],
  [
    'pillar.get merge dict default',
    "{{ salt['pillar.get']('web', {'extra': 1, 'lookup': {'a': 2}}, merge=True) }}",
    "{'extra': 1, 'lookup': {'a': 2, 'port': 8080}}",
  ],
  [
    'pillar.get merge list default',
    "{{ salt['pillar.get']('keys', ['k0'], merge=True) }}",
    "['k0', 'ssh-ed25519 AAA']",
  ],
  ['pillar.items', "{{ salt['pillar.items']().web.lookup.port }}", '8080'],
  ['pillar.item', "{{ salt['pillar.item']('web:lookup:port', 'nope') }}", "{'web:lookup:port': 8080, 'nope': ''}"],
  ['grains.get nested', "{{ salt['grains.get']('nested:a:b') }}", 'deep'],
  ['grains.get default', "{{ salt['grains.get']('nope', 'd') }}", 'd'],
  ['grains.items', "{{ salt['grains.items']().id }}", 'web1'],
  ['grains.has_value', "{{ salt['grains.has_value']('os') }} {{ salt['grains.has_value']('zz') }}", 'True False'],
  ['filter_by os_family', "{{ salt['grains.filter_by']({'Debian': 'apt', 'RedHat': 'yum'}) }}", 'apt'],
  ['filter_by glob on another grain', "{{ salt['grains.filter_by']({'web*': 'W', 'default': 'D'}, grain='id') }}", 'W'],
  [
    'filter_by falls back to default key',
    "{{ salt['grains.filter_by']({'RedHat': 'yum', 'default': 'none'}) }}",
    'none',
  ],
  [
    'filter_by named default',
    "{{ salt['grains.filter_by']({'RedHat': 'yum', 'Arch': 'pacman'}, default='Arch') }}",
    'pacman',
  ],
  [
    'filter_by list grain: first grain value that matches',
    "{{ salt['grains.filter_by']({'db': 'D', 'web': 'W'}, grain='roles') }}",
    'W',
  ],
  [
    'filter_by base and merge',
    "{{ salt['grains.filter_by']({'common': {'a': 1, 'b': 1}, 'Debian': {'b': 2}}, base='common', merge={'c': 3}) }}",
    "{'a': 1, 'b': 2, 'c': 3}",
  ],
  ['filter_by no match, no default', "{{ salt['grains.filter_by']({'RedHat': 1}) }}", 'None'],
  [
    'filter_by merge recurses',
    "{{ salt['grains.filter_by']({'Debian': {'svc': {'name': 'a', 'port': 1}}}, merge={'svc': {'port': 2}}) }}",
    "{'svc': {'name': 'a', 'port': 2}}",
  ],
  [
    'config.get: opts first',
    "{{ salt['config.get']('nested:opt') }} {{ salt['config.get']('os') }} {{ salt['config.get']('web:lookup:port') }} [{{ salt['config.get']('zz') }}]",
    'o Debian 8080 []',
  ],
  [
    'mine.get glob',
    "{{ salt['mine.get']('web*', 'network.ip_addrs') }}",
    "{'web1': ['10.0.0.5'], 'web2': ['10.0.0.6']}",
  ],
  [
    'mine.get list (string)',
    "{{ salt['mine.get']('web2,db1', 'network.ip_addrs', tgt_type='list') }}",
    "{'db1': ['10.0.1.7'], 'web2': ['10.0.0.6']}",
  ],
  ['mine.get list (list)', "{{ salt['mine.get'](['db1'], 'network.ip_addrs', tgt_type='list') | list }}", "['db1']"],
  ['mine.get pcre', "{{ salt['mine.get']('db\\d', 'network.ip_addrs', 'pcre') | list }}", "['db1']"],
  ['mine.get fun missing', "{{ salt['mine.get']('*', 'nothing') }}", '{}'],
  ['test.ping', "{{ salt['test.ping']() }}", 'True'],
  ['function exists check', "{{ 'test.ping' in salt }} {{ 'cmd.run' in salt }}", 'True False'],
  ['defaults.merge', "{{ salt['defaults.merge']({'a': {'b': 1}}, {'a': {'c': 2}}) }}", "{'a': {'b': 1, 'c': 2}}"],
];

const jinja: Case[] = [
  [
    'import macros',
    "{% import 'lib/macros.jinja' as m %}{{ m.greet('bob') }}|{{ m.greet('al', greeting='hi') }}",
    'hello bob|hi al',
  ],
  [
    'from import with context sees grains and pillar',
    "{% from 'lib/map.jinja' import web with context %}{{ web.pkg }} {{ web.port }} {{ web.os }}",
    'nginx 8080 Debian',
  ],
  [
    'from import without context still sees salt/grains/pillar (Salt globals)',
    "{% from 'lib/map.jinja' import web %}{{ web.port }} {{ web.os }}",
    '8080 Debian',
  ],
  ['imported template without context sees its own tpldir', "{% from 'lib/map.jinja' import here %}{{ here }}", 'lib'],
  [
    'imported template with context sees the caller tpldir',
    "{% from 'lib/map.jinja' import here with context %}{{ here }}",
    'app',
  ],
  [
    'with context passes caller variables',
    "{% set caller_var = 42 %}{% from 'lib/ctx.jinja' import seen with context %}{{ seen }}",
    '42',
  ],
  ['salt:// template names', "{% from 'salt://lib/macros.jinja' import greet %}{{ greet('x') }}", 'hello x'],
  ['relative import', "{% from 'lib/relative.jinja' import msg %}{{ msg }}", 'hello rel'],
  ['include sees the context', "{% set local = 'L' %}{% include 'lib/partial.jinja' %}", 'included web1 L'],
  ['import of load_yaml variables (catalog)', "{% from 'lib/catalog.sls' import var1 %}{{ var1.foo }}", 'it works'],
  ['macro with caller', "{% import 'lib/macros.jinja' as m %}{% call m.wrap() %}in{% endcall %}", '[in]'],
  [
    'local macro with defaults and kwargs',
    '{% macro f(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ f(1) }} {{ f(1, b=3) }} {{ f(a=5) }}',
    '1-2 1-3 5-2',
  ],
  ['whitespace control', 'a\n{%- if true %}\nb\n{%- endif %}\nc', 'a\nb\nc'],
  ['comments', 'a{# c #}b{#- d -#} c{#{ nested }#}d', 'abcd'],
  ['do with append', '{% set l = [] %}{% do l.append(1) %}{% do l.extend([2, 3]) %}{{ l }}', '[1, 2, 3]'],
  ['load_yaml block', '{% load_yaml as v %}\na: 1\nb: [x, on]\n{% endload %}{{ v.b }} {{ v.a + 1 }}', "['x', True] 2"],
  ['load_json block', '{% load_json as v %}{"a": [1, 2]}{% endload %}{{ v.a[1] }}', '2'],
  [
    'import_yaml renders the file as a template',
    "{% import_yaml 'lib/data.yaml' as d %}{{ d.name }} {{ d.ports }} {{ d.enabled }}",
    'web1 [80, 443] True',
  ],
  ['import_json', "{% import_json 'lib/data.json' as d %}{{ d.a }} {{ d.b }}", '[1, 2] web1'],
  ['import_text', "{% import_text 'lib/text.txt' as txt %}[{{ txt }}]", '[plain web1]'],
  ['import_yaml relative to tpldir', "{% import_yaml tpldir ~ '/../lib/data.yaml' as d %}{{ d.name }}", 'web1'],
  [
    'loop variables',
    '{% for x in ["a", "b", "c"] %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}',
    '10TrueFalse3 21FalseFalse3 32FalseTrue3 ',
  ],
  ['loop over dict keys', '{% for k in pillar.users %}{{ k }} {% endfor %}', 'alice bob '],
  [
    'loop over items()',
    '{% for k, v in pillar.users.items() %}{{ k }}={{ v.uid }} {% endfor %}',
    'alice=1001 bob=1002 ',
  ],
  ['loop over a string', '{% for c in "ab" %}{{ c }}.{% endfor %}', 'a.b.'],
  ['loop else', '{% for x in [] %}x{% else %}empty{% endfor %}', 'empty'],
  ['loop filter', '{% for x in range(6) if x is odd %}{{ x }}{% endfor %}', '135'],
  ['loop filter over items', '{% for k, v in pillar.users.items() if v.groups %}{{ k }}{% endfor %}', 'alice'],
  [
    'break and continue',
    '{% for x in range(10) %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}',
    '023',
  ],
  [
    'is defined / undefined',
    '{{ grains.id is defined }} {{ grains.nope is defined }} {{ nothing is undefined }}',
    'True False True',
  ],
  [
    'is none / string / mapping / iterable',
    "{{ pillar.nothing is none }} {{ 'a' is string }} {{ pillar.web is mapping }} {{ [1] is iterable }} {{ pillar.web is iterable }} {{ 3 is iterable }}",
    'True True True True True False',
  ],
  [
    'is number / list / sequence',
    '{{ 3 is number }} {{ [] is list }} {{ {} is list }} {{ "x" is sequence }}',
    'True True False True',
  ],
  [
    'is match / equalto / in',
    "{{ 'web1' is match('web\\d') }} {{ 2 is equalto 2 }} {{ 2 is in [1, 2] }}",
    'True True True',
  ],
  [
    'in operator',
    "{{ 'web' in grains.roles }} {{ 'x' in 'xyz' }} {{ 'alice' in pillar.users }} {{ 'z' not in pillar.users }}",
    'True True True True',
  ],
  [
    'Python truthiness of empty collections',
    "{{ 'y' if [] else 'n' }}{{ 'y' if {} else 'n' }}{{ 'y' if '' else 'n' }}{{ 'y' if 0 else 'n' }}{{ 'y' if [0] else 'n' }}",
    'nnnny',
  ],
  [
    'and / or return operands',
    "{{ [] or 'default' }} {{ 'a' and 'b' }} {{ 0 and 'x' }} {{ not [] }}",
    'default b 0 True',
  ],
  [
    'comparison is Python equality',
    "{{ 1 == '1' }} {{ [1, 2] == [1, 2] }} {{ {'a': 1} == {'a': 1} }} {{ True == 1 }} {{ 2 < 10 }} {{ 'a' < 'b' }}",
    'False True True True True True',
  ],
  [
    'string % formatting',
    "{{ '%s-%s' % ('a', 1) }} {{ '%05.1f|%d|%x' % (3.14159, 7.9, 255) }} {{ '%(n)s!' % {'n': 'hi'} }} {{ '%s' % 'one' }}",
    'a-1 003.1|7|ff hi! one',
  ],
  ['format filter', "{{ '%s-%s'|format('a', 'b') }} {{ '%(x)s'|format(x=1) }}", 'a-b 1'],
  [
    'list + list, string * n, floor division, modulo',
    "{{ [1] + [2] }} {{ '-' * 3 }} {{ 7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 7 / 2 }}",
    '[1, 2] --- 3 2 1024 3.5',
  ],
  [
    'slicing',
    "{{ 'abcdef'[1:3] }} {{ [1, 2, 3, 4][::-1] }} {{ [1, 2, 3][-1] }} {{ 'abc'[-2:] }} {{ [1, 2, 3, 4][::2] }} {{ grains.ipv4[:1] }}",
    "bc [4, 3, 2, 1] 3 bc [1, 3] ['127.0.0.1']",
  ],
  ['nested dict literal inside a block tag', "{% set d = {'a': {'b': {'c': 1}}} %}{{ d.a.b.c }}", '1'],
  ['nested dict literal in an expression', "{{ {'a': {'b': 1}}['a'] }}", "{'b': 1}"],
  ['trailing commas', "{% set d = {\n  'a': [1, 2,],\n  'b': 2,\n} %}{{ d.a }} {{ d.b }}", '[1, 2] 2'],
  ['dict keys from variables', "{% set k = 'name' %}{{ {k: 1} }}", "{'name': 1}"],
  [
    'namespace',
    '{% set ns = namespace(total=0) %}{% for x in [1, 2, 3] %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}',
    '6',
  ],
  ['dict global', '{{ dict(a=1, b=2) }}', "{'a': 1, 'b': 2}"],
  ['range', '{{ range(3) }} {{ range(1, 7, 2) }}', '[0, 1, 2] [1, 3, 5]'],
  [
    'subscript prefers keys, attribute prefers methods',
    "{% set d = {'keys': 'K', 'items': 'I'} %}{{ d['keys'] }} {{ d['items'] }} {{ d.keys() | list }}",
    "K I ['keys', 'items']",
  ],
  ['integer attribute index', '{{ grains.ipv4.1 }}', '10.0.0.5'],
  ['raw block', '{% raw %}{{ not rendered }}{% endraw %}', '{{ not rendered }}'],
  ['set block', '{% set x %}in {{ grains.id }}{% endset %}[{{ x }}]', '[in web1]'],
  ['filter block', '{% filter upper %}shout{% endfilter %}', 'SHOUT'],
  ['escapes in string literals keep unknown ones', "{{ 'a\\tb' }}|{{ 'x\\dy' }}|{{ \"q\\\"q\" }}", 'a\tb|x\\dy|q"q'],
  ['inline if without else on true', "{{ 'yes' if true }}", 'yes'],
  [
    'extends and super()',
    "{% extends 'lib/base.jinja' %}{% block body %}[{{ super() }}] child{% endblock %}",
    'A[base] childZ',
  ],
  [
    'with block scopes its names',
    "{% set a = 'out' %}{% with a = 1, b = a %}{{ a }}{{ b }}{% set c = 2 %}{% endwith %}{{ a }}{{ c is defined }}",
    '1outoutFalse',
  ],
  [
    'default covers missing keys and names, not None',
    "{{ pillar.web.nope | default('d') }} {{ nope | default('d') }} {{ pillar.nothing | default('d') }}",
    'd d None',
  ],
];

const methods: Case[] = [
  [
    'str.split / rsplit / splitlines',
    "{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a.b.c'.rsplit('.', 1) }} {{ 'a.b.c'.split('.', 1) }} {{ 'x\\ny\\n'.splitlines() }}",
    "['a', 'b', '', 'c'] ['a', 'b'] ['a.b', 'c'] ['a', 'b.c'] ['x', 'y']",
  ],
  [
    'str.startswith / endswith (tuples too)',
    "{{ 'web1'.startswith('we') }} {{ 'web1'.endswith(('1', '2')) }} {{ 'web1'.startswith('x') }}",
    'True True False',
  ],
  [
    'str case',
    "{{ 'aB'.upper() }} {{ 'aB'.lower() }} {{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }}",
    'AB ab Hello World Hello',
  ],
  [
    'str strip family',
    "[{{ '  x  '.strip() }}] [{{ 'xxaxx'.strip('x') }}] [{{ '  x'.lstrip() }}] [{{ 'x  '.rstrip() }}]",
    '[x] [a] [x] [x]',
  ],
  ['str.replace replaces all', "{{ 'a-b-c'.replace('-', '_') }} {{ 'a-b-c'.replace('-', '', 1) }}", 'a_b_c ab-c'],
  [
    'str.format',
    "{{ '{}-{}'.format('a', 1) }} {{ '{0}{0}'.format('x') }} {{ '{name}:{port:05d}'.format(name='h', port=80) }} {{ '{:>4}|{:<3}|{:^5}'.format('a', 'b', 'c') }} {{ '{:.2f}'.format(3.14159) }}",
    'a-1 xx h:00080    a|b  |  c   3.14',
  ],
  [
    'str.join / find / count / isdigit',
    "{{ ', '.join(['a', 'b']) }} {{ 'hello'.find('l') }} {{ 'hello'.find('z') }} {{ 'hello'.count('l') }} {{ '123'.isdigit() }} {{ '12a'.isdigit() }}",
    'a, b 2 -1 2 True False',
  ],
  [
    'dict methods',
    "{% set d = {'a': 1} %}{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {% do d.update({'b': 2}) %}{{ d }} {{ d.setdefault('c', 3) }} {{ d.pop('a') }} {{ d.keys() | list }} {{ d.values() | list }} {{ d.copy() }}",
    "1 None 0 {'a': 1, 'b': 2} 3 1 ['b', 'c'] [2, 3] {'b': 2, 'c': 3}",
  ],
  ['dict.update with keywords', '{% set d = {} %}{% do d.update(a=1) %}{{ d }}', "{'a': 1}"],
  [
    'list methods',
    '{% set l = [3, 1, 2] %}{% do l.insert(0, 9) %}{{ l }} {{ l.pop() }} {{ l.index(1) }} {{ l.count(3) }} {% do l.remove(9) %}{% do l.sort() %}{{ l }} {% do l.sort(reverse=True) %}{{ l }}',
    '[9, 3, 1, 2] 2 2 1 [1, 3] [3, 1]',
  ],
  ['list.append prints None (use do)', '{% set l = [] %}{{ l.append(1) }}', 'None'],
];

const filters: Case[] = [
  [
    'yaml filter: flow style one-liner',
    "{{ {'a': 1, 'b': ['x', 'y: z', 'yes', '1.5'], 'c': None, 'd': True} | yaml }}",
    "{a: 1, b: [x, 'y: z', 'yes', '1.5'], c: null, d: true}",
  ],
  [
    'yaml filter on scalars',
    "{{ 'plain' | yaml }} {{ '' | yaml }} {{ 'on' | yaml }} {{ 5 | yaml }} {{ 'multi\\nline' | yaml }}",
    `plain '' 'on' 5 "multi\\nline"`,
  ],
  ['yaml(False) block style', "{{ {'a': [1, 2]} | yaml(False) }}", 'a:\n  - 1\n  - 2'],
  ['json sorts keys with Python separators', "{{ {'b': 1, 'a': [1, 'é']} | json }}", '{"a": [1, "\\u00e9"], "b": 1}'],
  [
    'tojson escapes for HTML',
    "{{ {'k': '<a & \\'b\\'>'} | tojson }}",
    '{"k": "\\u003ca \\u0026 \\u0027b\\u0027\\u003e"}',
  ],
  [
    'yaml_encode',
    '{{ \'a "q"\' | yaml_encode }} {{ 5 | yaml_encode }} {{ True | yaml_encode }} {{ None | yaml_encode }}',
    '"a \\"q\\"" 5 true null',
  ],
  [
    'yaml_dquote / yaml_squote',
    "{{ 'tab\\there' | yaml_dquote }} {{ \"it's\" | yaml_squote }}",
    `"tab\\there" 'it''s'`,
  ],
  [
    'default / d',
    "{{ nope | default('x') }} {{ pillar.nothing | default('x') }} {{ '' | default('x', true) }} {{ nope | d('y') }} [{{ nope | default }}]",
    'x None x y []',
  ],
  [
    'join, first, last',
    "{{ grains.roles | join(', ') }} {{ [1, None] | join('-') }} {{ grains.roles | first }} {{ grains.roles | last }} {{ 'abc' | first }}",
    'web, db 1-None web db a',
  ],
  ['join attribute', "{{ pillar.list | join(',', attribute='name') }}", 'x,y'],
  ['unique keeps order', '{{ [3, 1, 3, 2, 1] | unique }}', '[3, 1, 2]'],
  [
    'sort',
    "{{ [3, 1, 2] | sort }} {{ ['b', 'A', 'c'] | sort }} {{ [3, 1, 2] | sort(reverse=True) }} {{ pillar.list | sort(attribute='name', reverse=True) | map(attribute='name') | list }}",
    "[1, 2, 3] ['A', 'b', 'c'] [3, 2, 1] ['y', 'x']",
  ],
  [
    'dictsort',
    "{{ {'b': 1, 'a': 2} | dictsort }} {{ {'b': 1, 'a': 2} | dictsort(by='value') }}",
    "[('a', 2), ('b', 1)] [('b', 1), ('a', 2)]",
  ],
  ['list of a dict is its keys', "{{ pillar.users | list }} {{ 'ab' | list }}", "['alice', 'bob'] ['a', 'b']"],
  [
    'map',
    "{{ pillar.list | map(attribute='name') | list }} {{ ['a', 'b'] | map('upper') | list }} {{ pillar.list | map(attribute='zz', default='d') | list }}",
    "['x', 'y'] ['A', 'B'] ['d', 'd']",
  ],
  [
    'select / reject',
    "{{ [0, 1, 2, 3] | select | list }} {{ [1, 2, 3, 4] | select('odd') | list }} {{ grains.ipv4 | reject('equalto', '127.0.0.1') | list }} {{ [1, 5, 9] | select('gt', 4) | list }}",
    "[1, 2, 3] [1, 3] ['10.0.0.5'] [5, 9]",
  ],
  [
    'selectattr / rejectattr',
    "{{ pillar.list | selectattr('name', 'equalto', 'y') | list }} {{ [{'a': 1}, {'a': 0}] | rejectattr('a') | list }}",
    "[{'name': 'y'}] [{'a': 0}]",
  ],
  [
    'int / float / string',
    "{{ '42' | int + 1 }} {{ '4.7' | int }} {{ 'x' | int }} {{ 'x' | int(7) }} {{ 'ff' | int(base=16) }} {{ '1.5' | float * 3 }} {{ 12 | string ~ 'a' }} {{ True | int }}",
    '43 4 0 7 255 4.5 12a 1',
  ],
  [
    'bool and to_bool',
    "{{ 'yes' | to_bool }} {{ 'no' | to_bool }} {{ 1 | to_bool }} {{ [] | to_bool }} {{ 'on' | bool }} {{ 'false' | bool }}",
    'True False True False True False',
  ],
  [
    'lower / upper / replace / trim / capitalize / title',
    "{{ 'AbC' | lower }} {{ 'abc' | upper }} {{ 'a-b-c' | replace('-', '+') }} [{{ '  x ' | trim }}] {{ 'hello' | capitalize }} {{ 'a b' | title }}",
    'abc ABC a+b+c [x] Hello A B',
  ],
  [
    'regex filters',
    "{{ 'abcd' | regex_match('^(.*)BC(.*)$', ignorecase=True) }} {{ 'xabc' | regex_match('abc') }} {{ 'xabcd' | regex_search('b(c)') }} {{ 'lets replace spaces' | regex_replace('\\s+', '__') }} {{ 'k=v' | regex_replace('(\\w)=(\\w)', '\\2=\\1') }}",
    "('a', 'd') None ('c',) lets__replace__spaces v=k",
  ],
  ['regex_escape', "{{ 'a.b*c' | regex_escape }}", 'a\\.b\\*c'],
  [
    'load_yaml / load_json filters',
    "{{ ('{a: [1, yes]}' | load_yaml).a }} {{ ('{\"b\": 2}' | load_json).b }}",
    '[1, True] 2',
  ],
  [
    'base64 and hashes',
    "{{ 'hello' | b64encode }} {{ 'aGVsbG8=' | b64decode }} {{ 'hello' | sha256 }} {{ 'hello' | md5 }}",
    'aGVsbG8= hello 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 5d41402abc4b2a76b9719d911017c592',
  ],
  [
    'quote (shell)',
    "{{ 'simple' | quote }} {{ 'two words' | quote }} {{ \"it's\" | quote }} {{ '' | quote }}",
    `simple 'two words' 'it'"'"'s' ''`,
  ],
  [
    'indent',
    "{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}",
    'a\n  b\n\n  c|  a\n  b|a\n  \n  b',
  ],
  [
    'is_list and set operations',
    "{{ [1] | is_list }} {{ 'x' | is_list }} {{ [1, 2, 3] | difference([2]) }} {{ [1, 2, 3] | intersect([3, 2, 5]) }} {{ [1, 2] | union([2, 3]) }} {{ [1, 2] | symmetric_difference([2, 3]) }}",
    'True False [1, 3] [2, 3] [1, 2, 3] [1, 3]',
  ],
  [
    'length / count / min / max / sum',
    "{{ [1, 2, 3] | length }} {{ pillar.users | count }} {{ 'abc' | length }} {{ [3, 1, 2] | min }} {{ [3, 1, 2] | max }} {{ [1, 2, 3] | sum }}",
    '3 2 3 1 3 6',
  ],
  ['items / dict iteration helpers', "{% for k, v in {'a': 1} | items %}{{ k }}{{ v }}{% endfor %}", 'a1'],
  [
    'reverse / batch / groupby',
    "{{ 'abc' | reverse }} {{ [1, 2, 3] | reverse | list }} {{ [1, 2, 3] | batch(2) | list }} {% for g in [{'k': 'a', 'v': 1}, {'k': 'b', 'v': 2}, {'k': 'a', 'v': 3}] | groupby('k') %}{{ g.grouper }}:{{ g.list | map(attribute='v') | list }} {% endfor %}",
    'cba [3, 2, 1] [[1, 2], [3]] a:[1, 3] b:[2] ',
  ],
  [
    'traverse and flatten',
    "{{ pillar | traverse('web:lookup:port') }} {{ [1, [2, [3, None]]] | flatten }}",
    '8080 [1, 2, 3]',
  ],
  // uuid5 in Salt's namespace, as Python's uuid.uuid5(UUID('91633EBF-…'), 'example') computes it
  [
    'is_ip / uuid',
    "{{ '10.0.0.1' | is_ip }} {{ 'nope' | is_ip }} {{ 'example' | uuid }}",
    'True False 9ade8beb-355a-50d8-9011-1c99848a7719',
  ],
];

for (const [group, cases] of Object.entries({ context, printing, saltFns, jinja, methods, filters })) {
  t.test(group, async (t) => {
    for (const [name, source, expected] of cases) {
      const r = render(source, { who: 'me' });
      t.equal(r.error, undefined, `${name}: no error`);
      t.equal(r.text, expected, name);
    }
  });
}

t.test('output keeps the final newline of the source', async (t) => {
  t.equal(render('a: 1\n').text, 'a: 1\n');
  t.equal(render('a: 1').text, 'a: 1');
});
