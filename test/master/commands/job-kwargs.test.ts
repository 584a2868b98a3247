// Salt's keyword arguments on the job commands (`state.apply pillar='{…}' test=True`): the pillar
// override is merged over each host's compiled pillar last and reaches the states; the job history
// keeps only its keys. In-process, with agents that are this process.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobKwargs } from '../../../master/commands/job-kwargs.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { halite as cli, writeFiles } from '../cli-workspace.ts';
import { inProcessHosts } from '../in-process-hosts.ts';

t.test('parsing', async (t) => {
  t.same(jobKwargs(['memcached', 'pillar={"a": {"b": 1}}', 'test=True']), {
    names: ['memcached'],
    pillar: { a: { b: 1 } },
    test: true,
  });
  t.same(jobKwargs(['pillar=a: 1', 'test=no']), { names: [], pillar: { a: 1 }, test: false }, 'YAML as Salt reads it');
  t.throws(() => jobKwargs(['pillar=[1, 2]']), /pillar=: a mapping is expected/);
  t.throws(() => jobKwargs(['pillar={"a": ']), /pillar=: not valid YAML or JSON/);
  t.throws(() => jobKwargs(['test=maybe']), /test=: True or False/);
  t.throws(() => jobKwargs(['pillarenv=dev']), /unsupported keyword argument 'pillarenv='/);
  t.same(jobKwargs(['saltenv=dev']), { names: [], saltenv: 'dev' });
});

const dir = mkdtempSync(join(tmpdir(), 'halite-kwargs-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const FILES: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\nssh:\n  persist: 0\n',
  'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n',
  'roles/web.yaml': 'description: web\n',
  'states/top.sls': "base:\n  '*':\n    - greet\n",
  'states/greet.sls':
    "greet:\n  test.succeed_with_changes:\n    - name: \"{{ pillar.get('site', {}).get('greeting', 'none') }} / {{ pillar.get('site', {}).get('kept', 'gone') }}\"\n",
  'pillar/top.sls': "base:\n  '*':\n    - site\n",
  'pillar/site.sls': 'site:\n  greeting: hello\n  kept: yes-kept\n',
};
writeFiles(dir, FILES);

const halite = (...args: string[]) =>
  cli(dir, ['--config', join(dir, 'halite.yaml'), ...args], inProcessHosts(join(dir, 'hosts')).hooks);

function greeting(out: string): { result: unknown; name: string } {
  const doc = JSON.parse(out) as Record<string, Record<string, { result: unknown; name: string }>>;
  return Object.values(doc.web1!)[0]!;
}

t.test('pillar= on highstate is merged over the compiled pillar, last', async (t) => {
  const plain = await halite('highstate', '--all', '--out', 'json');
  t.equal(plain.code, 0, plain.err);
  t.equal(greeting(plain.out).name, 'hello / yes-kept');
  const over = await halite('highstate', '--all', '--out', 'json', 'pillar={"site": {"greeting": "bonjour"}}');
  t.equal(over.code, 0, over.err);
  t.equal(greeting(over.out).name, 'bonjour / yes-kept', 'merged: the other keys stay');
  const flag = await halite('highstate', '--all', '--out', 'json', '--pillar', 'site: {greeting: hola}');
  t.equal(greeting(flag.out).name, 'hola / yes-kept');
});

t.test('sls takes names and keyword arguments together; test=True is --test', async (t) => {
  const r = await halite('sls', 'greet', 'pillar={"site": {"greeting": "hej"}}', 'test=True', '--all', '--out', 'json');
  t.equal(r.code, 0, r.err);
  t.match(greeting(r.out), { result: null, name: 'hej / yes-kept' });
  const store = JobStore.open(join(dir, 'var/jobs.sqlite'));
  t.teardown(() => store.close());
  const last = store.jobs({})[0]!;
  t.match(last, { kind: 'sls', test: true });
  t.same(
    (last.args as Record<string, unknown>).pillar_override,
    ['site'],
    'the history keeps the keys, not the values',
  );
  t.notMatch(JSON.stringify(last), 'hej');
});

t.test('highstate with an SLS name, or an unknown keyword: usage errors', async (t) => {
  const named = await halite('highstate', '--all', 'memcached');
  t.equal(named.code, 64);
  t.match(named.err, /highstate takes no SLS names \(memcached\): use halite sls/);
  const unknown = await halite('highstate', '--all', 'pillarenv=dev');
  t.equal(unknown.code, 64);
  t.match(unknown.err, /unsupported keyword argument 'pillarenv='/);
});
