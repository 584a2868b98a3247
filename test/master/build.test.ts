// `npm run build`: the master and agent bundles start and answer without the TypeScript sources.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildDist } from '../../master/build.ts';

// Inside the project, so the bundle finds its external packages in node_modules.
const repo = join(import.meta.dirname, '../..');
mkdirSync(join(repo, 'dist'), { recursive: true });
const out = mkdtempSync(join(repo, 'dist', 'test-'));
t.teardown(() => rmSync(out, { recursive: true, force: true }));

t.test('the master bundle runs the command line', async (t) => {
  const { master, agent } = await buildDist(out);
  t.ok(statSync(agent).mtimeMs <= statSync(master).mtimeMs, 'the agent is never newer than the master beside it');
  const help = spawnSync(process.execPath, [master, '--help'], { encoding: 'utf8' });
  t.equal(help.status, 0, help.stderr);
  t.match(help.stdout, /highstate/);
  const lint = spawnSync(process.execPath, [master, '--config', join(repo, 'halite.yaml'), 'show', 'top', '--host', 'memcache1.staging'], { encoding: 'utf8' });
  t.equal(lint.status, 0, lint.stderr);
  t.match(lint.stdout, /memcached/);
});

t.test('the agent bundle runs on its own', async (t) => {
  const agent = join(out, 'agent.cjs');
  const r = spawnSync(process.execPath, [agent, 'no-such-command'], { encoding: 'utf8' });
  t.equal(r.status, 64, 'usage error');
  t.match(r.stderr, /usage: halite-agent/);
});
