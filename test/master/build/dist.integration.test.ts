// The master and agent bundles start and answer without the TypeScript sources; a command started
// from the master bundle starts a connection keeper of the bundle's build.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDist } from '../../../master/build/dist.ts';
import { FrameReader, type MuxFrame } from '../../../master/transport/mux-protocol.ts';
import { REPO, shippedExample } from '../../shipped.ts';

// A directory of its own with the packages beside it, as dist/ sits in a checkout.
const work = mkdtempSync(join(tmpdir(), 'halite-build-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));
symlinkSync(realpathSync(join(REPO, 'node_modules')), join(work, 'node_modules'));
const out = join(work, 'dist');

t.test('the master bundle runs the command line', async (t) => {
  const { master, agent, client } = await buildDist(out, { stamp: 'f'.repeat(64) });
  t.ok(statSync(client).mtimeMs <= statSync(master).mtimeMs, 'the thin client is never newer than the master');
  const thin = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import('${client}').then((m) => console.log(typeof m.handOffProcess))`],
    { encoding: 'utf8', cwd: work },
  );
  t.equal(thin.stdout.trim(), 'function', 'the thin client loads on its own');
  t.ok(statSync(agent).mtimeMs <= statSync(master).mtimeMs, 'the agent is never newer than the master beside it');
  t.equal(
    readFileSync(master, 'utf8').split('\n')[0],
    `// halite-sources: ${'f'.repeat(64)}`,
    'the first line names the sources',
  );
  t.notOk(
    existsSync(`${master}.${process.pid}.tmp`) || existsSync(`${agent}.${process.pid}.tmp`),
    'no temporary file left',
  );
  const help = spawnSync(process.execPath, [master, '--help'], { encoding: 'utf8', cwd: work });
  t.equal(help.status, 0, help.stderr);
  t.match(help.stdout, /highstate/);
  const top = spawnSync(process.execPath, [master, 'show', 'top', '--host', 'memcache1.staging'], {
    encoding: 'utf8',
    cwd: shippedExample(),
  });
  t.equal(top.status, 0, top.stderr);
  t.match(top.stdout, /memcached/);
});

t.test('the agent bundle runs on its own', async (t) => {
  const r = spawnSync(process.execPath, [join(out, 'agent.cjs'), 'no-such-command'], { encoding: 'utf8' });
  t.equal(r.status, 64, 'usage error');
  t.match(r.stderr, /usage: halite-agent/);
});

t.test("the bundle's keeper names the bundle's sha256 as its build", async (t) => {
  const socket = join(work, 'keeper.sock');
  const keeper = spawn(process.execPath, [join(out, 'halite.mjs'), 'keeper', '--socket', socket, '--persist', '30'], {
    stdio: 'ignore',
  });
  t.teardown(() => keeper.kill());
  for (let i = 0; i < 300 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  const hello = await new Promise<MuxFrame>((resolve, reject) => {
    const reader = new FrameReader();
    const s = connect(socket);
    s.once('error', reject);
    s.on('data', (c: Buffer) => {
      const [f] = reader.push(c);
      if (f) {
        s.destroy();
        resolve(f);
      }
    });
  });
  const sha = createHash('sha256')
    .update(readFileSync(join(out, 'halite.mjs')))
    .digest('hex');
  t.match(hello, { type: 'hello', hello: { build: `bundle-${sha}` } });
});
