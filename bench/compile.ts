// Compiler throughput: a generated ~2,000-state tree (roles including shared SLS, Jinja loops,
// names, requisites of every common kind) compiled repeatedly; prints chunks per second.
//   node --import tsx bench/compile.ts [iterations=20] [roles=20]
import { performance } from 'node:perf_hooks';
import { MemTree } from '../agent/store/tree.ts';
import { compileHighstate } from '../agent/compile/highstate.ts';

const iterations = Number(process.argv[2] ?? 20);
const roles = Number(process.argv[3] ?? 22);

function roleInit(r: number): string {
  return `include:
  - common
  - .config

{% for i in range(10) %}
role${r}-pkg-{{ i }}:
  pkg.installed:
    - name: role${r}-package-{{ i }}
    - require:
      - pkg: common-pkg-{{ i }}

role${r}-conf-{{ i }}:
  file.managed:
    - name: /etc/role${r}/service-{{ i }}.conf
    - source: salt://role${r}/files/service.conf
    - template: jinja
    - context:
        index: {{ i }}
        port: {{ 8000 + i }}
    - require:
      - pkg: role${r}-pkg-{{ i }}

role${r}-svc-{{ i }}:
  service.running:
    - name: role${r}-service-{{ i }}
    - enable: true
    - watch:
      - file: role${r}-conf-{{ i }}
{% endfor %}
`;
}

function roleConfig(r: number): string {
  return `{% for i in range(10) %}
role${r}-dir-{{ i }}:
  file.directory:
    - names:
{%- for j in range(5) %}
      - /srv/role${r}/{{ i }}/{{ j }}
{%- endfor %}
    - user: root
    - mode: '0755'
    - require_in:
      - service: role${r}-svc-{{ i }}

role${r}-setup-{{ i }}:
  cmd.run:
    - name: /usr/local/bin/setup --role ${r} --index {{ i }}
    - unless: test -e /srv/role${r}/{{ i }}/.done
    - onchanges:
      - file: role${r}-conf-{{ i }}
{% endfor %}
extend:
  common-motd:
    file:
      - require:
        - pkg: role${r}-pkg-0
`;
}

function common(): string {
  return `{% for i in range(19) %}
common-pkg-{{ i }}:
  pkg.installed:
    - name: {{ pillar.get('prefix', 'lib') }}-common-{{ i }}
{% endfor %}
common-motd:
  file.managed:
    - name: /etc/motd
    - contents: {{ grains['id'] }}
`;
}

function makeTree(n: number): MemTree {
  const files: Record<string, string> = { 'common/init.sls': common() };
  const top = ['base:', "  '*':"];
  for (let r = 0; r < n; r++) {
    files[`role${r}/init.sls`] = roleInit(r);
    files[`role${r}/config.sls`] = roleConfig(r);
    top.push(`    - role${r}`);
  }
  files['top.sls'] = `${top.join('\n')}\n`;
  return new MemTree(files, 'bench');
}

const tree = makeTree(roles);
const ctx = { grains: { id: 'bench-minion', os_family: 'Debian' }, pillar: { prefix: 'lib' }, saltenv: 'base' };

const first = compileHighstate({ tree, ctx });
if (first.errors.length) {
  console.error(
    `the generated tree does not compile (${first.errors.length} errors), first: ${JSON.stringify(first.errors[0])}`,
  );
  process.exit(1);
}
const chunks = first.chunks.length;
console.log(`tree: ${tree.list().length} files, ${Object.keys(first.high).length} IDs, ${chunks} chunks`);

for (let i = 0; i < 2; i++) compileHighstate({ tree, ctx });
const times: number[] = [];
for (let i = 0; i < iterations; i++) {
  const t0 = performance.now();
  compileHighstate({ tree, ctx });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const total = times.reduce((s, x) => s + x, 0);
const median = times[Math.floor(times.length / 2)];
console.log(`${iterations} compiles: median ${median.toFixed(1)} ms, mean ${(total / iterations).toFixed(1)} ms`);
console.log(`${Math.round((chunks * iterations) / (total / 1000))} chunks/second`);
