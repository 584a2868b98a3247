// Shared render fixtures: a small state tree with macro, map and data files, and a minion context.
import { MemTree } from '../../../agent/store/tree.ts';
import type { RenderContext } from '../../../agent/render/context.ts';
import { renderTemplate, type TemplateResult } from '../../../agent/render/template.ts';

export const files: Record<string, string> = {
  'lib/macros.jinja':
    [
      '{% macro greet(name, greeting="hello") -%}',
      '{{ greeting }} {{ name }}',
      '{%- endmacro %}',
      '{% macro broken(x) -%}',
      '  {{ x.missing }}',
      '{%- endmacro %}',
      '{% macro wrap() %}[{{ caller() }}]{% endmacro %}',
    ].join('\n') + '\n',
  'lib/map.jinja':
    [
      "{%- set defaults = {'pkg': 'nginx', 'port': 80, 'os': salt['grains.get']('os_family')} %}",
      "{%- set web = salt['grains.filter_by']({'default': defaults}, merge=salt['pillar.get']('web:lookup', {})) %}",
      '{%- set here = tpldir %}',
    ].join('\n') + '\n',
  'lib/ctx.jinja': '{% set seen = caller_var %}\n',
  'lib/data.yaml': 'name: {{ grains.id }}\nports: [80, 443]\nenabled: yes\n',
  'lib/data.json': '{"a": [1, 2], "b": "{{ grains.id }}"}\n',
  'lib/text.txt': 'plain {{ grains.id }}\n',
  'lib/partial.jinja': 'included {{ grains.id }} {{ local }}\n',
  'lib/relative.jinja': "{% from './macros.jinja' import greet %}{% set msg = greet('rel') %}\n",
  'lib/base.jinja': 'A{% block body %}base{% endblock %}Z\n',
  'lib/catalog.sls': '{% load_yaml as var1 %}\nfoo: it works\n{% endload %}\n',
};

export const ctx: RenderContext = {
  grains: {
    id: 'web1',
    os: 'Debian',
    os_family: 'Debian',
    ipv4: ['127.0.0.1', '10.0.0.5'],
    roles: ['web', 'db'],
    num: 3,
    nested: { a: { b: 'deep' } },
  },
  pillar: {
    web: { lookup: { port: 8080 } },
    users: { alice: { uid: 1001, groups: ['adm'] }, bob: { uid: 1002, groups: [] } },
    list: [{ name: 'x' }, { name: 'y' }],
    keys: ['ssh-ed25519 AAA'],
    empty: {},
    nothing: null,
  },
  saltenv: 'base',
  opts: { file_client: 'local', nested: { opt: 'o' } },
  mine: {
    web1: { 'network.ip_addrs': ['10.0.0.5'] },
    web2: { 'network.ip_addrs': ['10.0.0.6'] },
    db1: { 'network.ip_addrs': ['10.0.1.7'], 'grains.items': { os: 'Debian' } },
  },
};

export const tree = new MemTree(files, 'fixture');

/** Renders `source` as the SLS file `file` with the fixture context. */
export function render(
  source: string,
  extra: Record<string, unknown> = {},
  file = 'app/init.sls',
  c: RenderContext = ctx,
): TemplateResult {
  return renderTemplate(tree, file, source, c, { sls: 'app', slspath: 'app', ...extra });
}
