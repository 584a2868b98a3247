// A small configuration whose jobs run on in-process hosts (../in-process-hosts.ts): two caches and
// a web host that depends on them; cache2's state fails, so web1 is blocked; cache1's states carry
// a private pillar secret in a comment and a warning.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { main } from '../../../master/cli.ts';
import { inProcessHosts } from '../in-process-hosts.ts';

export const SECRET = 'pa55-Kx8q-secret';

const FILES: Record<string, string> = {
  'halite.yaml': 'levels:\n  staging: {}\nssh:\n  persist: 0\n',
  'roster.yaml': [
    'cache1:\n  host: 10.0.1.1\n  level: staging\n  roles: [cache]\n',
    'cache2:\n  host: 10.0.1.2\n  level: staging\n  roles: [cache]\n',
    'web1:\n  host: 10.0.1.3\n  level: staging\n  roles: [web]\n',
  ].join(''),
  'roles/cache.yaml': 'description: caches\n',
  'roles/web.yaml': 'description: web\ndepends_on: [cache]\n',
  'states/top.sls': "base:\n  'cache1':\n    - ok\n  'cache2':\n    - broken\n  'web1':\n    - ok\n",
  'states/ok.sls': [
    'conf:',
    '  test.configurable_test_state:',
    '    - changes: true',
    '    - result: true',
    "    - comment: \"wrote password {{ pillar.get('cache', {}).get('password', 'none') }}\"",
    '    - warnings: [mind the gap]',
    'quiet:',
    '  test.succeed_without_changes: []',
    '',
  ].join('\n'),
  'states/broken.sls': 'boom:\n  test.fail_without_changes:\n    - comment: it broke\n',
  'pillar/top.sls': "base:\n  '*':\n    - common\n",
  'pillar/common.sls': 'greeting: hello\n',
  'pillar-private/top.sls': "base:\n  'cache1':\n    - cache\n",
  'pillar-private/cache.sls': `cache:\n  password: ${SECRET}\n`,
};

/** Writes the configuration into `dir`; returns the path of its halite.yaml. */
export function writeJobTree(dir: string, extraConfig = ''): string {
  for (const [path, text] of Object.entries(FILES)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), path === 'halite.yaml' ? text + extraConfig : text);
  }
  return join(dir, 'halite.yaml');
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Runs `halite --config CONFIG ARGS…` in-process, jobs reaching in-process hosts under `hostsDir`. */
export async function halite(
  config: string,
  hostsDir: string,
  args: string[],
  env: NodeJS.ProcessEnv = { USER: 'alice' },
): Promise<CliRun> {
  const hosts = inProcessHosts(hostsDir);
  const io = {
    out: '',
    err: '',
    env,
    cwd: dirname(config),
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(['--config', config, ...args], io, hosts.hooks);
  return { code, out: io.out, err: io.err };
}
