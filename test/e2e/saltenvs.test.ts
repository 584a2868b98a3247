// Several saltenvs on a fleet VM: a workspace with file_roots (base, and dev searched before base)
// pushes both environments' trees in the job's one exec; the highstate applies both top files, each
// state reading its `salt://` file from its own environment; `--saltenv dev` applies dev's section only.
import t from 'tap';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { cliFor, fleetSuite } from './workspace.ts';

const suite = fleetSuite('saltenvs-x', [{ id: 'web1', roles: ['memcache'], level: 'staging' }]);

const FILES: Record<string, string> = {
  'base/top.sls': "base:\n  '*':\n    - motd\n",
  'base/motd.sls':
    'motd-{{ saltenv }}:\n  file.managed:\n    - name: /etc/motd-{{ saltenv }}\n    - source: salt://files/motd\n',
  'base/files/motd': 'base motd\n',
  'dev/top.sls': "dev:\n  '*':\n    - app\n",
  'dev/app.sls': 'include:\n  - motd\n',
  'dev/files/motd': 'dev motd\n',
};

function config(): string {
  const ws = suite.ws;
  for (const [rel, body] of Object.entries(FILES)) {
    mkdirSync(dirname(join(ws.dir, 'trees', rel)), { recursive: true });
    writeFileSync(join(ws.dir, 'trees', rel), body);
  }
  const { states: _states, ...rest } = parse(readFileSync(ws.config, 'utf8')) as Record<string, unknown>;
  const file = join(ws.dir, 'halite-saltenvs.yaml');
  const roots = { base: [join(ws.dir, 'trees/base')], dev: [join(ws.dir, 'trees/dev'), join(ws.dir, 'trees/base')] };
  writeFileSync(file, stringify({ ...rest, file_roots: roots }));
  return file;
}

const cat = async (path: string): Promise<string> =>
  (await suite.fleet.exec('web1', ['cat', path], { reject: false })).stdout;

t.test('a highstate over two saltenvs, then --saltenv dev', async (t) => {
  const halite = cliFor(suite.ws, config());
  const r = await halite('highstate', '--all', '--out', 'json');
  t.equal(r.code, 0, r.err + r.out);
  t.equal(await cat('/etc/motd-base'), 'base motd\n');
  t.equal(await cat('/etc/motd-dev'), 'dev motd\n');
  await suite.fleet.exec('web1', ['rm', '-f', '/etc/motd-base', '/etc/motd-dev']);
  const dev = await halite('highstate', '--all', '--saltenv', 'dev', '--out', 'json');
  t.equal(dev.code, 0, dev.err + dev.out);
  t.same(Object.keys((JSON.parse(dev.out) as Record<string, object>).web1), [
    'file_|-motd-dev_|-/etc/motd-dev_|-managed',
  ]);
  t.equal(await cat('/etc/motd-dev'), 'dev motd\n');
  t.equal(await cat('/etc/motd-base'), '', 'base section not applied');
});
