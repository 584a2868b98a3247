import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { defaultConfig, loadConfig, parseConfig } from '../../../master/config/halite-yaml.ts';
import { locateConfig } from '../../../master/config/config-location.ts';

const FILE = '/srv/halite/halite.yaml';

t.test('an empty file gives the defaults, resolved against the file directory', async (t) => {
  const { config, errors } = parseConfig('', FILE);
  t.same(errors, []);
  t.equal(config.file, FILE);
  t.equal(config.states, '/srv/halite/states');
  t.equal(config.pillar, '/srv/halite/pillar');
  t.equal(config.privatePillar, '/srv/halite/pillar-private');
  t.equal(config.roles, '/srv/halite/roles');
  t.equal(config.roster, '/srv/halite/roster.yaml');
  t.equal(config.jobsDb, '/srv/halite/var/jobs.sqlite');
  t.same(config.ssh, {
    key: join(homedir(), '.ssh/id_ed25519'),
    knownHosts: join(homedir(), '.ssh/known_hosts'),
    user: 'root',
    port: 22,
    connectTimeout: 10,
    persist: 60,
    allowSha1: false,
  });
  t.same(config.levels, {});
  t.equal(config.concurrency, 8);
  t.equal(config.agentLinger, 600, 'agents stay ten minutes by default');
  t.equal(config.stateAutoOrder, true, "states run in written order by default (Salt's state_auto_order)");
  t.equal(parseConfig('state_auto_order: False', FILE).config.stateAutoOrder, false);
  // Salt's master config is YAML 1.1: `no` is false there, with a lint warning here
  t.equal(parseConfig('state_auto_order: no', FILE).config.stateAutoOrder, false);
});

t.test('paths: relative to the file, absolute kept, ~ is the home directory', async (t) => {
  const text = [
    'states: ../trees/states',
    'pillar: /etc/halite/pillar',
    'private_pillar: ~/secret',
    'roster: fleet/roster.yaml',
    'ssh:',
    '  key: keys/id',
    '  known_hosts: ~/kh',
  ].join('\n');
  const { config, errors } = parseConfig(text, FILE);
  t.same(errors, []);
  t.equal(config.states, '/srv/trees/states');
  t.equal(config.pillar, '/etc/halite/pillar');
  t.equal(config.privatePillar, join(homedir(), 'secret'));
  t.equal(config.roster, '/srv/halite/fleet/roster.yaml');
  t.equal(config.ssh.key, '/srv/halite/keys/id');
  t.equal(config.ssh.knownHosts, join(homedir(), 'kh'));
});

t.test('levels and jump hosts in every accepted form', async (t) => {
  const text = [
    'ssh: {user: admin, port: 2200}',
    'levels:',
    '  staging:',
    '    jump: ops@10.77.0.1:2222',
    '  production:',
    '    jump: {host: jump.example.internal}',
    '  lab:',
    '    jump: false',
    '  v6:',
    '    jump: "[fd00::1]"',
    '  bare:',
  ].join('\n');
  const { config, errors } = parseConfig(text, FILE);
  t.same(errors, []);
  t.same(config.levels, {
    staging: { jump: { host: '10.77.0.1', port: 2222, user: 'ops' } },
    production: { jump: { host: 'jump.example.internal', port: 2200, user: 'admin' } },
    lab: { jump: null },
    v6: { jump: { host: 'fd00::1', port: 2200, user: 'admin' } },
    bare: { jump: null },
  });
});

// Each invalid field: [yaml, line, message]
const bad: Array<[string, number, string]> = [
  ['concurrency: many', 1, 'concurrency: expected a positive integer, got the string "many"'],
  ['concurrency: 0', 1, 'concurrency: expected a positive integer, got the number 0'],
  ['ssh:\n  persist: -5', 2, 'ssh.persist: expected a whole number of seconds from 0 to 86400, got the number -5'],
  ['agent_linger: -1', 1, 'agent_linger: expected a whole number of seconds from 0 to 86400, got the number -1'],
  ['state_auto_order: nope', 1, 'state_auto_order: expected true or false, got the string "nope"'],
  ['agent_linger: soon', 1, 'agent_linger: expected a whole number of seconds from 0 to 86400, got the string "soon"'],
  [
    'host_timeout: -5',
    1,
    'host_timeout: expected a whole number of seconds from 0 (no limit) to 86400, got the number -5',
  ],
  [
    'host_idle_timeout: 1.5',
    1,
    'host_idle_timeout: expected a whole number of seconds from 0 (no limit) to 86400, got the number 1.5',
  ],
  [
    'host_max_line: 4MB',
    1,
    'host_max_line: expected a size: bytes, or a number with KiB, MiB or GiB, got the string "4MB"',
  ],
  [
    'host_max_output: 0',
    1,
    'host_max_output: expected a size: bytes, or a number with KiB, MiB or GiB, got the number 0',
  ],
  ['# c\nstates: 3', 2, 'states: expected a path, got the number 3'],
  ['pillar: ""', 1, 'pillar: expected a path, got the string ""'],
  ['roster: [a]', 1, 'roster: expected a path, got a list'],
  ['ssh:\n  port: 70000', 2, 'ssh.port: expected an integer from 1 to 65535, got the number 70000'],
  ['ssh:\n  user: "-oProxyCommand=x"', 2, 'ssh.user: expected a POSIX user name, got the string "-oProxyCommand=x"'],
  ['ssh:\n  connect_timeout: -1', 2, 'ssh.connect_timeout: expected a positive number of seconds, got the number -1'],
  ['ssh:\n  key: {a: 1}', 2, 'ssh.key: expected a path, got a map'],
  [
    'ssh:\n  agents: true',
    2,
    'ssh.agents: unknown field (expected one of: key, known_hosts, user, port, connect_timeout, persist, allow_sha1, agent)',
  ],
  ['ssh:\n  agent: sure', 2, 'ssh.agent: expected true or false, got the string "sure"'],
  ['ssh:\n  allow_sha1: yes please', 2, 'ssh.allow_sha1: expected true or false, got the string "yes please"'],
  ['ssh: true', 1, 'ssh: expected a map, got the boolean true'],
  [
    'statez: states',
    1,
    'statez: unknown field (expected one of: states, pillar, private_pillar, roles, roster, jobs_db, ssh, levels, concurrency, agent_linger, host_timeout, host_idle_timeout, host_max_line, host_max_output, jobs, schedules, state_auto_order, file_roots)',
  ],
  ['levels: [staging]', 1, 'levels: expected a map of level name to settings, got a list'],
  ['levels:\n  staging: 3', 2, 'levels.staging: expected a map {jump}, got the number 3'],
  [
    'levels:\n  staging:\n    jump: "-oProxyCommand=sh"',
    3,
    'levels.staging.jump.host: expected a hostname or IP address, got the string "-oProxyCommand=sh"',
  ],
  [
    'levels:\n  staging:\n    jump: a@b@c',
    3,
    'levels.staging.jump: expected "[user@]host[:port]", a map {host, port, user}, or false, got the string "a@b@c"',
  ],
  [
    'levels:\n  staging:\n    jump:\n      host: j1\n      port: ssh',
    5,
    'levels.staging.jump.port: expected an integer from 1 to 65535, got the string "ssh"',
  ],
  [
    'levels:\n  staging:\n    jump: {host: j1, via: x}',
    3,
    'levels.staging.jump.via: unknown field (expected one of: host, port, user)',
  ],
  ['levels:\n  staging:\n    push: x', 3, 'levels.staging.push: unknown field (expected one of: jump)'],
  [
    'levels:\n  "-x": {}',
    2,
    'levels.-x: a level name must be letters, digits, ".", "_" or "-", not starting with "-" or "."',
  ],
  ['jobs:\n  keep_days: 0', 2, 'jobs.keep_days: expected a positive number of days, got the number 0'],
  ['jobs:\n  keep_count: 2.5', 2, 'jobs.keep_count: expected a positive integer, got the number 2.5'],
  ['jobs:\n  keep: 3', 2, 'jobs.keep: unknown field (expected one of: keep_days, keep_count)'],
  ['jobs: 3', 1, 'jobs: expected a map {keep_days, keep_count}, got the number 3'],
  ['- states', 1, 'expected a map of settings, got a list'],
];

t.test('jobs: retention from halite.yaml, 30 days and no count limit by default', async (t) => {
  t.same(parseConfig('concurrency: 2\n', FILE).config.jobs, { keepDays: 30, keepCount: null });
  const { config, errors } = parseConfig('jobs:\n  keep_days: 7\n  keep_count: 500\n', FILE);
  t.same(errors, []);
  t.same(config.jobs, { keepDays: 7, keepCount: 500 });
});

for (const [text, line, message] of bad) {
  t.test(`invalid: ${message}`, async (t) => {
    const { errors } = parseConfig(text, FILE);
    t.same(errors, [{ code: 'CONFIG', file: FILE, line, message }]);
  });
}

t.test('ssh.allow_sha1: true is read', async (t) => {
  const { config, errors } = parseConfig('ssh:\n  allow_sha1: true\n', FILE);
  t.same(errors, []);
  t.equal(config.ssh.allowSha1, true);
});

t.test('several errors are all reported', async (t) => {
  const { errors } = parseConfig('concurrency: x\nssh:\n  port: 0\n  user: "a b"\n', FILE);
  t.same(
    errors.map((e) => e.line),
    [1, 3, 4],
  );
});

t.test('YAML syntax errors carry the line', async (t) => {
  const { errors } = parseConfig('states: states\nssh:\n  port: 22\n port: 23\n', FILE);
  t.equal(errors.length > 0, true);
  t.equal(errors[0].code, 'CONFIG');
  t.equal(errors[0].file, FILE);
  t.equal(errors[0].line, 4);
  t.match(errors[0].message, /^YAML error: /);
});

t.test('duplicate keys are errors', async (t) => {
  const { errors } = parseConfig('states: a\nstates: b\n', FILE);
  t.equal(errors.length, 1);
  t.equal(errors[0].line, 2);
});

t.test('locating the configuration: --config, then $HALITE_CONFIG, then ./halite.yaml', async (t) => {
  t.same(locateConfig('c.yaml', { HALITE_CONFIG: '/e.yaml' }, '/w'), { path: '/w/c.yaml', explicit: true });
  t.same(locateConfig(undefined, { HALITE_CONFIG: 'e.yaml' }, '/w'), { path: '/w/e.yaml', explicit: true });
  t.same(locateConfig(undefined, {}, '/w'), { path: '/w/halite.yaml', explicit: false });
});

t.test('loadConfig reads files; a missing default file means built-in defaults', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-config-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.same(loadConfig(undefined, {}, dir), { config: defaultConfig(dir), errors: [] });

  const missing = loadConfig('nope.yaml', {}, dir);
  t.same(missing.errors, [
    { code: 'CONFIG', message: 'cannot read configuration: no such file', file: join(dir, 'nope.yaml') },
  ]);

  writeFileSync(join(dir, 'halite.yaml'), 'concurrency: 3\n');
  t.equal(loadConfig(undefined, {}, dir).config.concurrency, 3);
  writeFileSync(join(dir, 'other.yaml'), 'concurrency: 5\n');
  t.equal(loadConfig(undefined, { HALITE_CONFIG: join(dir, 'other.yaml') }, '/').config.concurrency, 5);
  const r = loadConfig(join(dir, 'other.yaml'), { HALITE_CONFIG: join(dir, 'halite.yaml') }, '/');
  t.equal(r.config.concurrency, 5);
  t.equal(r.config.file, join(dir, 'other.yaml'));
});

t.test('the shipped halite.yaml is valid', async (t) => {
  const root = join(import.meta.dirname, '../../..');
  const { config, errors } = loadConfig(undefined, {}, root);
  t.same(errors, []);
  t.equal(config.file, join(root, 'halite.yaml'));
  t.equal(config.states, join(root, 'states'));
  t.same(Object.keys(config.levels).sort(), ['production', 'staging']);
  for (const lv of Object.values(config.levels)) t.match(lv.jump?.host, /^10\.20\./);
});

t.test('host limits: defaults, and each one set', async (t) => {
  t.same(parseConfig('', '/etc/halite/halite.yaml').config.hostLimits, {
    timeout: 3600,
    idleTimeout: 300,
    maxLine: 4 << 20,
    maxOutput: 64 << 20,
  });
  const set = parseConfig(
    'host_timeout: 7200\nhost_idle_timeout: 0\nhost_max_line: 512KiB\nhost_max_output: 1048576\n',
    '/etc/halite/halite.yaml',
  );
  t.same(set.errors, []);
  t.same(set.config.hostLimits, { timeout: 7200, idleTimeout: 0, maxLine: 512 << 10, maxOutput: 1 << 20 });
});

t.test('ssh.allow_sha1: a YAML 1.1 boolean is read, and noted for lint', async (t) => {
  const { config, errors, lintWarnings } = parseConfig('ssh:\n  allow_sha1: on\n', FILE);
  t.same(errors, []);
  t.equal(config.ssh.allowSha1, true);
  t.same(lintWarnings, [
    {
      code: 'CONFIG',
      file: FILE,
      line: 2,
      message:
        'ssh.allow_sha1: "on" is a YAML 1.1 boolean (true), read as Salt reads it; write true: YAML 1.2 reads it as a string',
    },
  ]);
  t.equal(parseConfig('ssh:\n  allow_sha1: no\n', FILE).config.ssh.allowSha1, false);
});

t.test('the login from the environment: the ssh-agent when ssh.key is unset or ssh.agent is true', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-login-cfg-'));
  const agent = createServer();
  const path = join(dir, 'agent.sock');
  await new Promise<void>((resolve) => agent.listen(path, resolve));
  t.teardown(() => {
    agent.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const load = (yaml: string, env: NodeJS.ProcessEnv) => {
    writeFileSync(join(dir, 'halite.yaml'), yaml);
    return loadConfig(undefined, env, dir);
  };
  const sock = { SSH_AUTH_SOCK: path };
  t.equal(load('concurrency: 2\n', sock).config.ssh.agentSocket, path, 'no ssh.key: the agent');
  t.equal(load('ssh:\n  key: k\n', sock).config.ssh.agentSocket, undefined, 'ssh.key set: not the agent');
  t.equal(load('ssh:\n  key: k\n  agent: true\n', sock).config.ssh.agentSocket, path);
  t.equal(load('ssh:\n  agent: false\n', sock).config.ssh.agentSocket, undefined, 'ssh.agent: false: never');
  t.equal(load('concurrency: 2\n', {}).config.ssh.agentSocket, undefined, 'no SSH_AUTH_SOCK');
  t.match(load('ssh:\n  agent: true\n', {}).errors, [{ message: /SSH_AUTH_SOCK is not set/ }]);
  // a stale SSH_AUTH_SOCK: passed over, unless the agent is asked for
  const stale = { SSH_AUTH_SOCK: join(dir, 'gone.sock') };
  t.equal(load('concurrency: 2\n', stale).config.ssh.agentSocket, undefined);
  t.match(load('ssh:\n  agent: true\n', stale).errors, [
    { message: /SSH_AUTH_SOCK names .*gone\.sock, which is not a socket/ },
  ]);
  t.equal(load('concurrency: 2\n', { HALITE_SSH_PASSPHRASE: 'words' }).config.ssh.passphrase, 'words');
  t.equal(loadConfig(undefined, sock, join(dir, 'nowhere')).config.ssh.agentSocket, path);
});
