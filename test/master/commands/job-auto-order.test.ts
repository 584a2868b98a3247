// halite.yaml's state_auto_order (Salt's master option of that name): false makes states without
// `order` run by state, name and function instead of in the order they are written — on the hosts
// (the job envelope carries it) and in what `show lowstate` prints. In-process, with agents that
// are this process.
import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { halite as cli, writeFiles } from '../cli-workspace.ts';
import { inProcessHosts } from '../in-process-hosts.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-auto-order-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
writeFiles(dir, {
  'halite.yaml': 'levels:\n  staging: {}\nssh:\n  persist: 0\n',
  'roster.yaml': 'web1:\n  host: 10.0.1.1\n  level: staging\n  roles: [web]\n',
  'roles/web.yaml': 'description: web\n',
  'states/top.sls': "base:\n  '*':\n    - main\n",
  'states/main.sls': 'zeta:\n  test.succeed_without_changes\nalpha:\n  test.succeed_without_changes\n',
  'pillar/top.sls': 'base: {}\n',
});

const halite = (...args: string[]) =>
  cli(dir, ['--config', join(dir, 'halite.yaml'), ...args], inProcessHosts(join(dir, 'hosts')).hooks);

async function runOrder(): Promise<string[]> {
  const r = await halite('highstate', '--all', '--test', '--out', 'json');
  t.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as Record<string, Record<string, { __id__: string; __run_num__: number }>>;
  return Object.values(doc.web1!)
    .sort((a, b) => a.__run_num__ - b.__run_num__)
    .map((x) => x.__id__);
}

async function lowOrder(): Promise<string[]> {
  const r = await halite('show', 'lowstate', '--host', 'web1', '--out', 'json');
  t.equal(r.code, 0, r.err);
  return (JSON.parse(r.out) as Array<{ id: string }>).map((c) => c.id);
}

t.test('by default states run in the order they are written', async (t) => {
  t.same(await runOrder(), ['zeta', 'alpha']);
  t.same(await lowOrder(), ['zeta', 'alpha']);
});

t.test('state_auto_order: false — by state, name and function', async (t) => {
  writeFileSync(join(dir, 'halite.yaml'), 'levels:\n  staging: {}\nssh:\n  persist: 0\nstate_auto_order: false\n');
  t.same(await runOrder(), ['alpha', 'zeta']);
  t.same(await lowOrder(), ['alpha', 'zeta']);
});
