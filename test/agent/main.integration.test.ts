// `halite-agent apply --local` as a real process (bin/halite-agent.js, the bundle a host runs):
// exit codes reaching the shell, and no trace of a private pillar value anywhere it writes.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../shipped.ts';
import { writeTree } from '../tree.ts';

function agent(dir: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      join(REPO, 'bin/halite-agent.js'),
      'apply',
      '--local',
      '--states',
      join(dir, 'states'),
      '--pillar',
      join(dir, 'pillar'),
      '--private-pillar',
      join(dir, 'private'),
      '--id',
      'web1',
      '--lock-file',
      join(dir, 'agent.lock'),
      ...args,
    ],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('exit codes: success, a failed state, a usage error', async (t) => {
  const dir = writeTree(
    {
      'states/top.sls': "base:\n  '*':\n    - fine\n",
      'states/fine.sls': 'ok:\n  test.succeed_without_changes\n',
      'states/fails.sls': 'bad:\n  test.fail_without_changes\n',
      'pillar/top.sls': 'base: {}\n',
      'private/top.sls': 'base: {}\n',
    },
    'halite-agent-',
  );
  const ok = agent(dir);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^web1:\n-{10}\n {10}ID: ok\n/);
  t.match(ok.stdout, /Succeeded: 1\n/);
  t.equal(agent(dir, 'fails').code, 2);
  const usage = agent(dir, '--out', 'yaml');
  t.equal(usage.code, 64);
  t.match(usage.stderr, /--out must be highstate, json or events/);
});

t.test('a multi-line private pillar value in a managed file: no line of it in any output, no diff', async (t) => {
  const pem = (tag: string) =>
    `-----BEGIN ${tag} KEY-----\nMIIB${tag}Q2FuYXJ5TGluZU9uZQ\nAoGB${tag}Q2FuYXJ5TGluZVR3bw\n${tag}==\n-----END ${tag} KEY-----\n`;
  const dir = writeTree(
    {
      'states/top.sls': "base:\n  '*':\n    - tls\n",
      'states/tls.sls': `
key:
  file.managed:
    - name: {{ pillar['out'] }}/key.pem
    - contents_pillar: tls:key
keyconf:
  file.managed:
    - name: {{ pillar['out'] }}/key.conf
    - source: salt://key.conf.j2
    - template: jinja
`,
      'states/key.conf.j2': "# key\n{{ pillar['tls']['key'] }}",
      'pillar/top.sls': "base:\n  '*':\n    - common\n",
      'private/top.sls': "base:\n  '*':\n    - tls\n",
    },
    'halite-agent-',
  );
  writeFileSync(join(dir, 'pillar/common.sls'), `out: ${join(dir, 'out')}\n`);
  mkdirSync(join(dir, 'out'));
  const setKey = (tag: string) =>
    writeFileSync(
      join(dir, 'private/tls.sls'),
      `tls:\n  key: |\n${pem(tag)
        .split('\n')
        .filter(Boolean)
        .map((l) => `    ${l}`)
        .join('\n')}\n`,
    );
  const pieces = (tag: string) =>
    pem(tag)
      .split('\n')
      .filter(Boolean)
      .filter((l) => !l.startsWith('-----'));
  setKey('AAAA');
  const first = agent(dir, '--out', 'events');
  t.equal(first.code, 0, first.stderr);
  t.equal(readFileSync(join(dir, 'out/key.pem'), 'utf8'), pem('AAAA'));
  setKey('BBBB');
  for (const args of [
    ['--test'],
    ['--test', '--out', 'json'],
    ['--test', '--out', 'events'],
    ['--test', '--state-output', 'changes'],
    ['--out', 'events'],
  ]) {
    const r = agent(dir, ...args);
    t.equal(r.code, 0, r.stderr);
    for (const p of [...pieces('AAAA'), ...pieces('BBBB')])
      t.notMatch(r.stdout + r.stderr, p, `${args.join(' ')}: no trace of ${p}`);
    t.match(r.stdout, 'content changed: holds private pillar values', `${args.join(' ')}: the diff is replaced`);
  }
  t.equal(readFileSync(join(dir, 'out/key.pem'), 'utf8'), pem('BBBB'));
});
