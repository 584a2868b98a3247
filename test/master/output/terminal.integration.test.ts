// Colour on a real terminal: `halite highstate` (bin/halite.js) under a pseudo-terminal that
// script(1) allocates, with NO_COLOR, FORCE_COLOR and --no-color, and into a pipe. The job's one
// host refuses connections, so the run is quick and its summary has something to colour.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../../shipped.ts';
import { writeTree } from '../../tree.ts';
import { closedPort, keyPair } from '../transport/fake-ssh.ts';

const script = spawnSync('script', ['--version']).status === 0;

t.test(
  'NO_COLOR, FORCE_COLOR and --no-color on a terminal and into a pipe',
  { skip: script ? false : 'no script(1) to allocate a terminal' },
  async (t) => {
    const port = await closedPort();
    const dir = writeTree(
      {
        'halite.yaml':
          'levels:\n  staging: {jump: false}\nssh:\n  key: id_ed25519\n  known_hosts: known_hosts\n  connect_timeout: 5\n  persist: 0\n',
        'roster.yaml': `web1:\n  host: 127.0.0.1\n  port: ${port}\n  level: staging\n  roles: [web]\n`,
        'roles/web.yaml': 'description: web front ends\n',
        'states/top.sls': "base:\n  '*': []\n",
        id_ed25519: keyPair().private,
        known_hosts: '',
      },
      'halite-color-',
    );
    const argv = [
      process.execPath,
      join(REPO, 'bin/halite.js'),
      '--config',
      join(dir, 'halite.yaml'),
      'highstate',
      '--all',
    ];
    const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, TERM: 'xterm' };
    const quoted = (args: string[]) => args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    /** The command on a terminal: everything it wrote there (stdout and stderr). */
    const onTerminal = (env: NodeJS.ProcessEnv, extra: string[] = []) => {
      const r = spawnSync('script', ['-qec', quoted([...argv, ...extra]), '/dev/null'], {
        cwd: dir,
        env: { ...base, ...env },
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { code: r.status, text: r.stdout };
    };
    const intoPipe = (env: NodeJS.ProcessEnv) => {
      const r = spawnSync(argv[0], argv.slice(1), {
        cwd: dir,
        env: { ...base, ...env },
        encoding: 'utf8',
        timeout: 120_000,
      });
      return { code: r.status, text: r.stdout + r.stderr };
    };
    const SGR = /\x1b\[[0-9;]*m/;
    const red = '\x1b[91m  unreachable    1\x1b[39m';

    const coloured = onTerminal({});
    t.equal(coloured.code, 4, 'an unreachable host: exit 4');
    t.match(coloured.text, red, 'a terminal gets colour');
    for (const [what, env, extra] of [
      ['NO_COLOR', { NO_COLOR: '1' }, []],
      ['--no-color', {}, ['--no-color']],
      ['FORCE_COLOR=0', { FORCE_COLOR: '0' }, []],
    ] as const) {
      const r = onTerminal(env, [...extra]);
      t.equal(r.code, 4, what);
      t.match(r.text, /unreachable +1/, `${what}: the summary is there`);
      t.notMatch(r.text, SGR, `${what} on a terminal: no colour`);
    }
    const piped = intoPipe({});
    t.match(piped.text, /unreachable +1/);
    t.notMatch(piped.text, /\x1b/, 'a pipe gets no escape sequences');
    t.match(intoPipe({ FORCE_COLOR: '1' }).text, red, 'FORCE_COLOR colours a pipe');
  },
);
