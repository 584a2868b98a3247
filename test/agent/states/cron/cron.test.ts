// Crontab parsing/rendering in Salt's layout, the matching rules, and the cron states
// against a crontab store (the real `crontab` when HALITE_REAL_SYSTEM=1 and it is installed).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { parseCrontab, renderCrontab } from '../../../../agent/facts/crontab.ts';
import { matches, needsChange, resolveRandom, setJob } from '../../../../agent/states/cron-table.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { run as realRun, type Runner, type RunResult } from '../../../../agent/process/run.ts';
import cron from '../../../../agent/states/cron.ts';
import type { StateArgs, StateContext, StateFunction } from '../../../../agent/states/types.ts';

const SALT_TAB = `MAILTO=ops@example.com
0 3 * * * /usr/local/bin/legacy
# Lines below here are managed by Salt, do not edit
PATH=/usr/bin:/bin
EMPTY=""
# nightly backup SALT_CRON_IDENTIFIER:backup
30 2 * * * /usr/local/bin/backup --all
# SALT_CRON_IDENTIFIER:/usr/bin/true
#DISABLED#*/5 * * * * /usr/bin/true
*/10 * * * * /usr/bin/old-style
# SALT_CRON_IDENTIFIER:reboot-job
@reboot /usr/local/bin/warm-cache
`;

t.test('a table Salt wrote parses and renders back byte for byte', async (t) => {
  const tab = parseCrontab(SALT_TAB);
  t.same(tab.pre, ['MAILTO=ops@example.com', '0 3 * * * /usr/local/bin/legacy']);
  t.same(tab.env, [
    { name: 'PATH', value: '/usr/bin:/bin' },
    { name: 'EMPTY', value: '""' },
  ]);
  t.same(tab.crons[0], {
    minute: '30',
    hour: '2',
    daymonth: '*',
    month: '*',
    dayweek: '*',
    cmd: '/usr/local/bin/backup --all',
    comment: 'nightly backup',
    identifier: 'backup',
    commented: false,
  });
  t.same(tab.crons[1], {
    minute: '*/5',
    hour: '*',
    daymonth: '*',
    month: '*',
    dayweek: '*',
    cmd: '/usr/bin/true',
    comment: '',
    identifier: '/usr/bin/true',
    commented: true,
  });
  t.equal(tab.crons[2].identifier, null);
  t.same(tab.special, [
    { spec: '@reboot', cmd: '/usr/local/bin/warm-cache', comment: '', identifier: 'reboot-job', commented: false },
  ]);
  t.equal(
    renderCrontab({
      ...tab,
      env: [
        { name: 'PATH', value: '/usr/bin:/bin' },
        { name: 'EMPTY', value: '' },
      ],
    }),
    SALT_TAB,
  );
  t.equal(renderCrontab(parseCrontab('')), '# Lines below here are managed by Salt, do not edit\n');
});

t.test('matching: by identifier, or by command for jobs without one', async (t) => {
  const [backup, , old] = parseCrontab(SALT_TAB).crons;
  t.ok(matches(backup, 'anything', 'backup'));
  t.notOk(
    matches(backup, '/usr/local/bin/backup --all', '/usr/local/bin/backup --all'),
    'same command, other identifier',
  );
  t.ok(matches(old, '/usr/bin/old-style', '/usr/bin/old-style'), 'an old job without identifier is adopted');
  t.notOk(matches(old, '/usr/bin/other', '/usr/bin/other'));
  t.ok(needsChange('5', '6'));
  t.notOk(needsChange('17', 'random'), 'random keeps a fixed value');
  t.ok(needsChange('*', 'random'));
  t.notOk(needsChange('x', null));
  t.equal(
    resolveRandom('hour', 'random', () => 0.5),
    '12',
  );
});

t.test('setJob: present, updated in place of the old line, new', async (t) => {
  const tab = parseCrontab(SALT_TAB);
  const want = {
    minute: '30',
    hour: '2',
    daymonth: '*',
    month: '*',
    dayweek: '*',
    cmd: '/usr/local/bin/backup --all',
    comment: null,
    identifier: 'backup',
    commented: false,
  };
  t.equal(setJob(tab, want).status, 'present', 'no comment given keeps the old one');
  const moved = setJob(tab, { ...want, hour: '4' });
  t.equal(moved.status, 'updated');
  t.equal(moved.tab.crons.filter((j) => j.identifier === 'backup').length, 1);
  t.match(
    renderCrontab(moved.tab),
    /# nightly backup SALT_CRON_IDENTIFIER:backup\n30 4 \* \* \* \/usr\/local\/bin\/backup --all\n/,
  );
  t.equal(setJob(tab, { ...want, cmd: '/x', identifier: '/x' }).status, 'new');
});

/** A crontab store with crontab(1)'s interface: -l -u USER and -u USER - (stdin). */
function crontabStore(): { run: Runner; tabs: Map<string, string>; calls: string[][] } {
  const tabs = new Map<string, string>();
  const calls: string[][] = [];
  const run: Runner = async (argv, opts) => {
    calls.push(argv);
    const res = (code: number, stdout = '', stderr = ''): RunResult => ({
      argv,
      code,
      stdout,
      stderr,
      timedOut: false,
    });
    if (argv[0] !== 'crontab') return res(127, '', 'not found');
    if (argv[1] === '-l')
      return tabs.has(argv[3]) ? res(0, tabs.get(argv[3])) : res(1, '', `no crontab for ${argv[3]}`);
    tabs.set(argv[2], opts?.input ?? '');
    return res(0);
  };
  return { run, tabs, calls };
}

async function converge(fn: StateFunction, args: StateArgs, ctx: StateContext) {
  const plan = await fn.check(args, ctx);
  const out = plan.status === 'pending' ? await fn.apply(plan, ctx) : undefined;
  return { plan, out, again: await fn.check(args, ctx) };
}

t.test('cron states: comments, changes and the table written', async (t) => {
  const s = crontabStore();
  const ctx = makeContext({ run: s.run, log: silentLogger });
  const args = { name: '/usr/local/bin/backup', minute: 15, hour: 3, comment: 'nightly' };
  t.match(await cron.present.check(args, makeContext({ run: s.run, log: silentLogger, test: true })), {
    status: 'pending',
    comment: 'Cron /usr/local/bin/backup is set to be added',
  });
  const added = await converge(cron.present, args, ctx);
  t.same(added.out, {
    changes: { root: '/usr/local/bin/backup' },
    comment: "Cron /usr/local/bin/backup added to root's crontab",
  });
  t.match(added.again, { status: 'converged', comment: 'Cron /usr/local/bin/backup already present' });
  t.equal(
    s.tabs.get('root'),
    '# Lines below here are managed by Salt, do not edit\n# nightly SALT_CRON_IDENTIFIER:/usr/local/bin/backup\n15 3 * * * /usr/local/bin/backup\n',
  );
  t.same(
    s.calls.find((c) => c[1] === '-u'),
    ['crontab', '-u', 'root', '-'],
  );

  const moved = await converge(cron.present, { ...args, hour: 4 }, ctx);
  t.same(moved.out, { changes: { root: '/usr/local/bin/backup' }, comment: 'Cron /usr/local/bin/backup updated' });

  const env = await converge(cron.env_present, { name: 'MAILTO', value: 'ops@example.com', user: 'www-data' }, ctx);
  t.same(env.out, { changes: { 'www-data': 'MAILTO' }, comment: "Cron MAILTO added to www-data's crontab" });
  t.equal(s.tabs.get('www-data'), '# Lines below here are managed by Salt, do not edit\nMAILTO=ops@example.com\n');

  const special = await converge(cron.present, { name: '/usr/bin/warm', special: '@reboot', identifier: 'warm' }, ctx);
  t.equal(special.again.status, 'converged');
  t.match(s.tabs.get('root'), /# SALT_CRON_IDENTIFIER:warm\n@reboot \/usr\/bin\/warm\n$/);

  t.match(
    await cron.absent.check(
      { name: '/usr/local/bin/backup' },
      makeContext({ run: s.run, log: silentLogger, test: true }),
    ),
    { comment: 'Cron /usr/local/bin/backup is set to be removed' },
  );
  const gone = await converge(cron.absent, { name: '/usr/local/bin/backup' }, ctx);
  t.same(gone.out, {
    changes: { root: '/usr/local/bin/backup' },
    comment: "Cron /usr/local/bin/backup removed from root's crontab",
  });
  t.match(gone.again, { status: 'converged', comment: 'Cron /usr/local/bin/backup already absent' });
  const envGone = await converge(cron.env_absent, { name: 'MAILTO', user: 'www-data' }, ctx);
  t.same(envGone.out?.changes, { 'www-data': 'MAILTO' });
});

t.test('a crontab that cannot be read fails the state', async (t) => {
  const run: Runner = async (argv) => ({
    argv,
    code: 1,
    stdout: '',
    stderr: 'crontab: user nobody2 unknown',
    timedOut: false,
  });
  t.match(await cron.present.check({ name: '/bin/true', user: 'nobody2' }, makeContext({ run, log: silentLogger })), {
    status: 'failed',
    comment: /user nobody2 unknown/,
  });
});

const haveCrontab = spawnSync('sh', ['-c', 'command -v crontab']).status === 0;
t.test(
  'real crontab(1)',
  {
    skip:
      !(process.env.HALITE_REAL_SYSTEM === '1' && haveCrontab && process.getuid?.() === 0) &&
      'needs HALITE_REAL_SYSTEM=1, root and crontab',
  },
  async (t) => {
    const ctx = makeContext({ run: realRun, log: silentLogger });
    const args = { name: '/bin/true halite-test', user: 'nobody', minute: 7 };
    const added = await converge(cron.present, args, ctx);
    t.same(added.out?.changes, { nobody: '/bin/true halite-test' });
    t.equal(added.again.status, 'converged');
    const gone = await converge(cron.absent, { name: '/bin/true halite-test', user: 'nobody' }, ctx);
    t.same(gone.out?.changes, { nobody: '/bin/true halite-test' });
  },
);
