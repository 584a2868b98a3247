// The real entry points as a user starts them: bin/halite.js (the bundle) and master/cli.ts run
// through tsx (`npm run halite`), each a process of its own: exit codes, stdout and stderr.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../shipped.ts';
import { writeTree } from '../tree.ts';

const dir = writeTree(
  {
    'halite.yaml': 'levels:\n  staging: {}\n',
    'roster.yaml': 'web1:\n  host: 10.77.1.10\n  level: staging\n  roles: [web]\n',
    'roles/web.yaml': 'description: web front ends\n',
    'states/top.sls': "base:\n  '*':\n    - common\n",
    'states/common.sls': 'motd:\n  file.managed:\n    - name: /etc/motd\n    - contents: hello\n',
  },
  'halite-cli-bin-',
);
const config = join(dir, 'halite.yaml');
const cwd = mkdtempSync(join(dir, 'cwd-'));

const entries: Array<[string, string[]]> = [
  ['bin/halite.js', [join(REPO, 'bin/halite.js')]],
  ['master/cli.ts through tsx', ['--import', import.meta.resolve('tsx'), join(REPO, 'master/cli.ts')]],
];

for (const [name, argv] of entries) {
  t.test(`${name} runs the command line`, async (t) => {
    const env = { ...process.env };
    delete env.HALITE_CONFIG;
    const run = (args: string[]) => spawnSync(process.execPath, [...argv, ...args], { cwd, env, encoding: 'utf8' });
    const top = run(['--config', config, 'show', 'top', '--host', 'web1', '--out', 'json']);
    t.equal(top.stderr, '');
    t.equal(top.status, 0);
    t.same(JSON.parse(top.stdout), { base: ['common'] });
    const usage = run(['frobnicate']);
    t.equal(usage.status, 64);
    t.match(usage.stderr, /unknown command 'frobnicate'/);
    t.equal(usage.stdout, '');
    const missing = run(['--config', join(dir, 'nope.yaml'), 'lint']);
    t.equal(missing.status, 5, "a command's own exit code reaches the shell");
  });
}
