// Several saltenvs (Salt's file_roots): `halite show` compiles a two-environment workspace. The cases
// follow Salt's documented behaviour: file_roots lists directories per environment searched in order
// (first match wins; docs "File Server Configuration"), the top files of all environments are merged
// with the default top_file_merging_strategy `merge` (base authoritative; another environment's top
// file counts only for its own section; docs "The Top File" – "Merging Top Files",
// salt/state.py BaseHighState._merge_tops_merge), `saltenv=` limits a highstate to that environment's
// top file and section (BaseHighState.top_matches), and `include: [{dev: x}]` names another
// environment's SLS (salt/state.py render_state).
import t from 'tap';
import { halite, workspaceDir } from '../cli-workspace.ts';

const BASE: Record<string, string> = {
  'halite.yaml': 'file_roots:\n  base: [states]\n  dev: [states-dev, states]\n',
  'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n',
  'pillar/top.sls': '{}\n',
  'states/top.sls': "base:\n  '*':\n    - common\n",
  'states/common.sls': 'common_file:\n  test.nop:\n    - env: {{ saltenv }}\n',
  'states/shared.sls': 'shared_base:\n  test.nop: []\n',
  'states-dev/top.sls': "dev:\n  '*':\n    - app\n",
  'states-dev/app.sls': 'include:\n  - shared\n  - base: common\napp:\n  test.nop:\n    - env: {{ saltenv }}\n',
  'states-dev/shared.sls': 'shared_dev:\n  test.nop: []\n',
};

type Chunk = { id: string; env: string; sls: string; args: { env?: string } };

async function chunks(
  files: Record<string, string>,
  argv: string[],
): Promise<{ code: number; list: Chunk[]; err: string }> {
  const dir = workspaceDir({ teardown: (fn) => t.teardown(fn) }, 'saltenvs', files);
  const r = await halite(dir, [...argv, '--host', 'web1', '--out', 'json']);
  return { code: r.code, list: r.code === 0 ? (JSON.parse(r.out) as Chunk[]) : [], err: r.err + r.out };
}

const ids = (list: Chunk[]): string[] => list.map((c) => `${c.env}:${c.sls}:${c.id}`);

const cases: {
  name: string;
  files?: Record<string, string>;
  argv: string[];
  want?: string[];
  top?: unknown;
  error?: RegExp;
}[] = [
  {
    name: 'top files of both environments merge; dev reads its own directory first, then states/',
    argv: ['show', 'lowstate'],
    want: ['base:common:common_file', 'dev:shared:shared_dev', 'dev:app:app'],
  },
  {
    name: 'show top lists each environment',
    argv: ['show', 'top'],
    top: { base: ['common'], dev: ['app'] },
  },
  {
    name: "--saltenv dev: only dev's top file, only its dev section",
    argv: ['show', 'lowstate', '--saltenv', 'dev'],
    want: ['dev:shared:shared_dev', 'base:common:common_file', 'dev:app:app'],
  },
  {
    name: 'a dev section in the base top file wins over the dev top file (merge: base is authoritative)',
    files: { 'states/top.sls': "base:\n  '*':\n    - common\ndev:\n  '*':\n    - shared\n" },
    argv: ['show', 'top'],
    top: { base: ['common'], dev: ['shared'] },
  },
  {
    name: "a base section in dev's top file is ignored",
    files: { 'states-dev/top.sls': "base:\n  '*':\n    - shared\ndev:\n  '*':\n    - app\n" },
    argv: ['show', 'top'],
    top: { base: ['common'], dev: ['app'] },
  },
  {
    name: 'show sls --saltenv dev renders the SLS in dev, with saltenv set',
    argv: ['show', 'sls', 'common', '--saltenv', 'dev'],
    want: ['dev:common:common_file'],
  },
  {
    name: 'an SLS only in dev is not found in base',
    argv: ['show', 'sls', 'app'],
    error: /No matching sls found for 'app' in env 'base'/,
  },
  {
    name: 'a render error names the environment',
    files: { 'states-dev/app.sls': 'app:\n  test.nop:\n    - x: {{ nope(\n' },
    argv: ['show', 'sls', 'app', '--saltenv', 'dev'],
    error: /Rendering SLS 'dev:app' failed/,
  },
  {
    name: 'an include of an environment file_roots does not name',
    files: { 'states-dev/app.sls': 'include:\n  - qa: common\n' },
    argv: ['show', 'sls', 'app', '--saltenv', 'dev'],
    error: /nonexistent saltenv 'qa' in include of 'common'/,
  },
  {
    name: 'an unknown --saltenv is a usage error',
    argv: ['show', 'lowstate', '--saltenv', 'qa'],
    error: /unknown saltenv 'qa': the environments are base, dev/,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const files = { ...BASE, ...(c.files ?? {}) };
    if (c.top !== undefined) {
      const dir = workspaceDir(t, 'saltenvs', files);
      const r = await halite(dir, [...c.argv, '--host', 'web1', '--out', 'json']);
      t.equal(r.code, 0, r.err + r.out);
      t.same(JSON.parse(r.out), c.top);
      return;
    }
    const r = await chunks(files, c.argv);
    if (c.error) {
      t.not(r.code, 0);
      t.match(r.err, c.error);
    } else {
      t.equal(r.code, 0, r.err);
      t.same(ids(r.list), c.want);
    }
  });
}

t.test('saltenv reaches the templates of each environment', async (t) => {
  const r = await chunks(BASE, ['show', 'lowstate']);
  t.equal(r.code, 0, r.err);
  const byId = Object.fromEntries(r.list.map((c) => [c.id, c]));
  t.equal(byId.app.args.env, 'dev');
  t.equal(byId.common_file.args.env, 'base');
});

t.test('without file_roots, states/ is base as before and --saltenv accepts only base', async (t) => {
  const files: Record<string, string> = { ...BASE, 'halite.yaml': '{}\n' };
  delete files['states-dev/top.sls'];
  const ok = await chunks(files, ['show', 'lowstate', '--saltenv', 'base']);
  t.equal(ok.code, 0, ok.err);
  t.same(ids(ok.list), ['base:common:common_file']);
  const bad = await chunks(files, ['show', 'lowstate', '--saltenv', 'dev']);
  t.match(bad.err, /unknown saltenv 'dev': the environments are base/);
});

t.test('file_roots errors', async (t) => {
  for (const [yaml, want] of [
    ['file_roots:\n  base: states\n', /file_roots.base.*a list of state directories/],
    ['file_roots:\n  base: [states]\nstates: states\n', /file_roots and states cannot both be set/],
    ['file_roots:\n  base: [nowhere]\n', /file_roots: directory .*nowhere does not exist/],
  ] as const) {
    const r = await chunks({ ...BASE, 'halite.yaml': yaml }, ['show', 'top']);
    t.equal(r.code, 5, yaml);
    t.match(r.err, want, yaml);
  }
});
