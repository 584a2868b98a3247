// Template errors: each case renders `main.sls` (plus helper files) and expects the error at the
// file and 1-based line where the problem is, with a message that says what was expected.
import t from 'tap';
import { MemTree } from '../../../agent/store/tree.ts';
import { renderTemplate } from '../../../agent/render/template.ts';
import { renderSls } from '../../../agent/render/sls.ts';
import type { RenderContext } from '../../../agent/render/context.ts';

interface Case {
  name: string;
  files?: Record<string, string>;
  source: string;
  file: string;
  line: number | undefined;
  message: RegExp;
}

const helpers: Record<string, string> = {
  'lib/macros.jinja':
    '{% macro ok(x) %}{{ x }}{% endmacro %}\n{% macro bad(x) -%}\n  fine\n  {{ x.missing }}\n{%- endmacro %}\n',
  'lib/map.jinja': '{% set a = 1 %}\n{% set b = 2 %}\n{% set c = nope.x %}\n',
  'lib/syntax.jinja': 'ok\n\n{% if %}\n',
  'lib/inc.jinja': 'line1\n{{ oops }}\n',
  'lib/exports.jinja': '{% set x = 1 %}{% macro m() %}{% endmacro %}',
  'lib/bad.yaml': 'a: 1\nb: [\n',
  'lib/bad-template.yaml': 'a: 1\nb: {{ nope }}\n',
  'lib/first-line.jinja': '{{ broken( }}',
  'lib/nested.jinja': "{% from 'lib/macros.jinja' import bad %}\n\n{% set out = bad({}) %}\n",
};

const cases: Case[] = [
  {
    name: 'undefined variable on line 1',
    source: '{{ nope }}',
    file: 'main.sls',
    line: 1,
    message: /^Jinja variable 'nope' is undefined$/,
  },
  {
    name: 'undefined variable on a later line',
    source: 'a\nb\n{{ nope }}\n',
    file: 'main.sls',
    line: 3,
    message: /'nope' is undefined/,
  },
  {
    name: 'missing dict key',
    source: 'x\n{{ pillar.web.nope }}',
    file: 'main.sls',
    line: 2,
    message: /'dict object' has no attribute 'nope'/,
  },
  {
    name: 'attribute of an undefined value',
    source: '\n{% set v = nope.attr %}',
    file: 'main.sls',
    line: 2,
    message: /'nope' is undefined/,
  },
  {
    name: 'undefined in an if condition',
    source: '\n\n{% if nope %}x{% endif %}',
    file: 'main.sls',
    line: 3,
    message: /'nope' is undefined/,
  },
  {
    name: 'undefined iterated',
    source: '{% for x in pillar.nope %}{% endfor %}',
    file: 'main.sls',
    line: 1,
    message: /'dict object' has no attribute 'nope'/,
  },
  {
    name: 'error inside a loop body',
    source: '{% for x in [1, 2] %}\n{% if x == 2 %}\n{{ x.nope }}\n{% endif %}\n{% endfor %}',
    file: 'main.sls',
    line: 3,
    message: /'int object' has no attribute 'nope'/,
  },
  {
    name: 'error in a multi-line dict literal',
    source: "{% set d = {\n  'a': 1,\n  'b': nope.x,\n} %}",
    file: 'main.sls',
    line: 3,
    message: /'nope' is undefined/,
  },
  {
    name: 'error after an import is in the importing file',
    files: {},
    source: "{% from 'lib/exports.jinja' import x %}\nline2\n{{ nothere }}",
    file: 'main.sls',
    line: 3,
    message: /'nothere' is undefined/,
  },
  {
    name: 'error inside an imported file',
    source: "a\n{% import 'lib/map.jinja' as m %}",
    file: 'lib/map.jinja',
    line: 3,
    message: /'nope' is undefined/,
  },
  {
    name: 'error inside a macro of another file',
    source: "{% from 'lib/macros.jinja' import bad %}\n\n{{ bad({}) }}",
    file: 'lib/macros.jinja',
    line: 4,
    message: /'dict object' has no attribute 'missing'/,
  },
  {
    name: 'macro error through two imports',
    source: "{% import 'lib/nested.jinja' as n %}",
    file: 'lib/macros.jinja',
    line: 4,
    message: /has no attribute 'missing'/,
  },
  {
    name: 'error inside an included file',
    source: "x\n{% include 'lib/inc.jinja' %}",
    file: 'lib/inc.jinja',
    line: 2,
    message: /'oops' is undefined/,
  },
  {
    name: 'syntax error inside an imported file',
    source: "a\n{% from 'lib/syntax.jinja' import x %}",
    file: 'lib/syntax.jinja',
    line: 3,
    message: /^Jinja syntax error: expected an expression, got '%}'/,
  },
  {
    name: 'syntax error on the first line of an imported file',
    source: "{% import 'lib/first-line.jinja' as f %}",
    file: 'lib/first-line.jinja',
    line: 1,
    message: /syntax error/,
  },
  {
    name: 'missing macro file',
    source: "a\n\n{% import 'lib/nope.jinja' as m %}",
    file: 'main.sls',
    line: 3,
    message: /template 'lib\/nope\.jinja' not found/,
  },
  {
    name: 'missing include',
    source: "{% include 'nope.sls' %}",
    file: 'main.sls',
    line: 1,
    message: /template 'nope\.sls' not found/,
  },
  {
    name: 'template outside the tree',
    source: "{% include '../../etc/passwd' %}",
    file: 'main.sls',
    line: 1,
    message: /leaves the state tree/,
  },
  {
    name: 'importing a name the file does not define',
    source: "\n{% from 'lib/exports.jinja' import y %}",
    file: 'main.sls',
    line: 2,
    message: /cannot import 'y' from 'lib\/exports\.jinja' \(it defines: m, x\)/,
  },
  {
    name: 'unknown salt function called',
    source: "a\n{{ salt['nope.fn']('x') }}",
    file: 'main.sls',
    line: 2,
    message: /salt function 'nope\.fn' is not available/,
  },
  {
    name: 'salt function raising',
    source: "a\n\n{{ salt['boom.now']() }}",
    file: 'main.sls',
    line: 3,
    message: /^Problem running salt function in Jinja template: boom\.now: kaput$/,
  },
  {
    name: 'salt function with a bad keyword',
    source: "{{ salt['pillar.get']('a', bogus=1) }}",
    file: 'main.sls',
    line: 1,
    message: /pillar\.get\(\) got an unexpected keyword argument 'bogus'/,
  },
  {
    name: 'calling something that is not callable',
    source: '{{ grains.id() }}',
    file: 'main.sls',
    line: 1,
    message: /'str' object is not callable/,
  },
  {
    name: 'type error in an operator',
    source: "\n{{ 'a' + 1 }}",
    file: 'main.sls',
    line: 2,
    message: /can only concatenate str \(not "int"\) to str/,
  },
  {
    name: 'exception in a filter',
    source: "\n{{ 'x' | yaml_encode }}{{ [1] | yaml_encode }}",
    file: 'main.sls',
    line: 2,
    message: /yaml_encode\(\) only works with YAML scalar data/,
  },
  {
    name: 'raise()',
    source: "{{ raise('custom failure') }}",
    file: 'main.sls',
    line: 1,
    message: /^Jinja error: custom failure$/,
  },
  {
    name: 'unknown filter',
    source: 'a\n{{ x | nofilter }}',
    file: 'main.sls',
    line: 2,
    message: /no filter named 'nofilter'/,
  },
  {
    name: 'unknown test',
    source: '{{ x is nosuchtest }}',
    file: 'main.sls',
    line: 1,
    message: /no test named 'nosuchtest'/,
  },
  {
    name: 'unknown tag',
    source: 'a\n{% frobnicate %}',
    file: 'main.sls',
    line: 2,
    message: /unknown tag 'frobnicate'/,
  },
  {
    name: 'unclosed for names the opening line',
    source: 'a\n{% for x in y %}\nabc\n',
    file: 'main.sls',
    line: 2,
    message: /the 'for' tag opened on line 2 is never closed \(expected 'endfor'\)/,
  },
  {
    name: 'unclosed if',
    source: '{% if x %}\n',
    file: 'main.sls',
    line: 1,
    message: /'if' tag opened on line 1 is never closed \(expected 'endif'\)/,
  },
  {
    name: 'mismatched end tag',
    source: '{% if x %}\n{% endfor %}',
    file: 'main.sls',
    line: 2,
    message: /unexpected 'endfor': the innermost open block is 'if' \(line 1\), which needs 'endif'/,
  },
  {
    name: 'stray end tag',
    source: 'a\n{% endif %}',
    file: 'main.sls',
    line: 2,
    message: /unexpected 'endif': there is no open block to close/,
  },
  {
    name: 'incomplete expression',
    source: '\n{{ 1 + }}',
    file: 'main.sls',
    line: 2,
    message: /expected an expression, got '}}'/,
  },
  {
    name: 'missing comma in a list',
    source: '{{ [1 2] }}',
    file: 'main.sls',
    line: 1,
    message: /expected ',' or '\]', got '2'/,
  },
  {
    name: 'unterminated string',
    source: "a\n{{ 'abc }}\n",
    file: 'main.sls',
    line: 2,
    message: /unterminated string literal/,
  },
  {
    name: 'break outside a loop',
    source: '{% break %}',
    file: 'main.sls',
    line: 1,
    message: /'break' is only allowed inside a for loop/,
  },
  {
    name: 'load_yaml error on the template line',
    source: 'a\n{% load_yaml as v %}\nok: 1\nok: 2\n{% endload %}',
    file: 'main.sls',
    line: 4,
    message: /Encountered error loading yaml: found conflicting ID 'ok'/,
  },
  {
    name: 'import_yaml of invalid YAML names that file',
    source: "{% import_yaml 'lib/bad.yaml' as d %}",
    file: 'lib/bad.yaml',
    line: 2,
    message: /Encountered error loading yaml/,
  },
  {
    name: 'import_yaml of a file whose template fails',
    source: "{% import_yaml 'lib/bad-template.yaml' as d %}",
    file: 'lib/bad-template.yaml',
    line: 2,
    message: /'nope' is undefined/,
  },
  {
    name: 'load_json of bad JSON',
    source: "{{ 'nope' | load_json }}",
    file: 'main.sls',
    line: 1,
    message: /Unable to load json/,
  },
  {
    name: 'range larger than the sandbox allows',
    source: '{% for i in range(1000000000) %}{% endfor %}',
    file: 'main.sls',
    line: 1,
    message: /Range too big/,
  },
  {
    name: 'inline if without else',
    source: "\n{{ 'x' if false }}",
    file: 'main.sls',
    line: 2,
    message: /inline if-expression on line 2 evaluated to false and no else section was defined/,
  },
];

const ctx: RenderContext = {
  grains: { id: 'm1' },
  pillar: { web: {} },
  saltenv: 'base',
  functions: {
    'boom.now': () => {
      throw new Error('kaput');
    },
  },
};

for (const c of cases) {
  t.test(c.name, async (t) => {
    const tree = new MemTree({ ...helpers, ...(c.files ?? {}), 'main.sls': c.source });
    const r = renderTemplate(tree, 'main.sls', c.source, ctx, { sls: 'main' });
    t.ok(r.error, 'fails');
    t.equal(r.error?.code, 'RENDER_TEMPLATE');
    t.equal(r.error?.file, c.file, 'file');
    t.equal(r.error?.line, c.line, 'line');
    t.match(r.error?.message ?? '', c.message, 'message');
    t.equal(r.text, '');
  });
}

t.test('rendering never throws, whatever the template does', async (t) => {
  const tree = new MemTree({});
  for (const src of [
    '{{ range(1e12) | length }}',
    '{% set x = [] %}{% for i in x %}{% do x.append(1) %}{% endfor %}',
    '{{ {}.__proto__ }}',
    '{{ "%d" % "x" }}',
  ]) {
    t.doesNotThrow(() => renderTemplate(tree, 'x.sls', src, ctx));
  }
});

t.test('YAML errors after rendering', async (t) => {
  const yamlCases: Array<{ name: string; source: string; line: number; message: RegExp }> = [
    {
      name: 'duplicate ID in one file',
      source: 'a:\n  test.nop: []\nb:\n  test.nop: []\na:\n  test.nop: []\n',
      line: 5,
      message: /found conflicting ID 'a'/,
    },
    {
      name: 'duplicate nested key',
      source: 'a:\n  file.managed:\n    - name: x\n  file.managed: []\n',
      line: 4,
      message: /found conflicting ID 'file\.managed'/,
    },
    { name: 'tab indentation', source: 'a:\n\tb: 1\n', line: 2, message: /Illegal tab character/ },
    // like PyYAML, the problem is found at the end of the stream (line 3)
    { name: 'unclosed flow sequence', source: 'a: 1\nb: [1,\n', line: 3, message: /YAML error/ },
    { name: 'nested mapping in a compact value', source: 'a: 1\nb: c: d\n', line: 2, message: /YAML error/ },
    {
      name: 'rendered mapping as a key',
      source: "{{ {'a': 1} }}: x\n",
      line: 1,
      message: /possible double curly-brace/,
    },
    {
      name: 'rendered line shown',
      source: '{% set v = "x: y" %}\nk: {{ v }}\n',
      line: 2,
      message: /rendered line 2: "k: x: y"/,
    },
  ];
  for (const c of yamlCases) {
    const tree = new MemTree({ 'main.sls': c.source });
    const r = renderSls(tree, 'main', ctx);
    t.equal(r.errors.length, 1, `${c.name}: one error`);
    t.equal(r.errors[0]?.code, 'RENDER_YAML', c.name);
    t.equal(r.errors[0]?.file, 'main.sls', c.name);
    t.equal(r.errors[0]?.line, c.line, `${c.name}: line`);
    t.match(r.errors[0]?.message ?? '', c.message, c.name);
  }
});
