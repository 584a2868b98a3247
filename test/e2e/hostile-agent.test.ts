// A VM whose agent was replaced by a hostile program (hostile-agent.ts) attacks the master and,
// through what the master keeps, the other VMs. Each mode is one attack; the other VM of the fleet
// is a victim whose SLS renders the hostile host's mine data.
import t from 'tap';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { JobStore } from '../../master/jobs/store.ts';
import { type HostileMode, installHostileAgent, setHostileMode } from './hostile-agent.ts';
import { type CliResult, cliFor, fleetSuite, withStates } from './workspace.ts';

const EVIL = 'hostile-e1';
const VICTIM = 'hostile-v1';
const PWNED = '/root/hostile-pwned';

const suite = fleetSuite(
  'hostile-x',
  [
    { id: EVIL, roles: ['mail'], level: 'staging' },
    { id: VICTIM, roles: ['mail'], level: 'staging' },
  ],
  async (s) => {
    await installHostileAgent(s.fleet, EVIL);
  },
);

// the victim's only state lists the hostile host's addresses, as a config listing peers would
const VICTIM_STATES = {
  'top.sls': `base:\n  '${VICTIM}':\n    - peers\n`,
  'peers.sls': [
    `{% for host, addrs in salt['mine.get']('${EVIL}', 'network.ip_addrs') %}`,
    'peer-{{ host }}:',
    '  test.succeed_without_changes:',
    '    - name: {{ addrs[0] }}',
    '{% endfor %}',
    '',
  ].join('\n'),
};

/** A configuration for the suite with `extra` halite.yaml settings. */
function configWith(name: string, extra: Record<string, unknown>): string {
  const base = withStates(suite.ws, name, VICTIM_STATES);
  // no connection keeper: each configuration would start its own, left running after the test
  const parsed = parse(readFileSync(base, 'utf8'));
  writeFileSync(base, stringify({ ...parsed, ssh: { ...parsed.ssh, persist: 0 }, ...extra }));
  return base;
}

/** The command line, or a result saying it did not end within `ms` (a hang guard, not a timing check). */
async function guarded(run: Promise<CliResult>, ms = 180_000): Promise<CliResult> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<CliResult>((resolve) => {
    timer = setTimeout(() => resolve({ code: -1, out: '', err: `the job did not end within ${ms / 1000} s` }), ms);
  });
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function attack(mode: HostileMode, config: string, ...args: string[]): Promise<CliResult> {
  await setHostileMode(suite.fleet, EVIL, mode);
  return guarded(cliFor(suite.ws, config)('highstate', '--host', EVIL, ...args));
}

function lastHostRun(host: string) {
  const store = JobStore.open(suite.ws.jobsDb);
  try {
    const job = store.jobs({ limit: 1 })[0];
    return {
      job,
      run: store.hostRuns(job.jid).find((r) => r.host === host),
      inventory: store.inventory().find((r) => r.host === host),
    };
  } finally {
    store.close();
  }
}

/** The pids of the connection keepers the command line of this test talks to. */
function keeperPids(): string[] {
  const dir = `${suite.ws.runtimeDir}/`;
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    const i = argv.indexOf('--socket');
    if (argv.includes('keeper') && i > 0 && argv[i + 1]?.startsWith(dir)) found.push(pid);
  }
  return found;
}

/** A field of /proc/PID/status in bytes; undefined when the process is gone. */
function kib(pid: string, field: string): number | undefined {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface Peak<T> {
  value: T;
  /** How much the resident memory of the master's processes (this one, its keepers) grew at most, in bytes. */
  growth: number;
  report: string;
}

/**
 * Peak resident memory of the master while `fn` runs: this process (the command line runs in it)
 * and its connection keepers. A keeper that starts during `fn` counts with its whole peak.
 */
async function peakRss<T>(fn: () => Promise<T>): Promise<Peak<T>> {
  const before = new Map<string, number>();
  for (const p of ['self', ...keeperPids()]) {
    writeFileSync(`/proc/${p}/clear_refs`, '5'); // resets VmHWM to the current RSS
    before.set(p, kib(p, 'VmRSS') ?? 0);
  }
  const value = await fn();
  const grew: { p: string; by: number }[] = [];
  for (const p of new Set(['self', ...before.keys(), ...keeperPids()])) {
    const hwm = kib(p, 'VmHWM');
    if (hwm !== undefined) grew.push({ p, by: hwm - (before.get(p) ?? 0) });
  }
  const report = grew
    .map((g) => `${g.p === 'self' ? 'master' : `keeper ${g.p}`} +${(g.by / 2 ** 20).toFixed(0)} MiB`)
    .join(', ');
  return { value, growth: Math.max(...grew.map((g) => g.by)), report };
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

t.test("crafted facts: YAML in a reported address never becomes another host's SLS", async (t) => {
  const config = configWith('facts', {});
  const payload = `10.66.0.1\npwned:\n  cmd.run:\n    - name: touch ${PWNED}`;
  const r = await attack(
    {
      mode: 'facts',
      addresses: [payload, '10.66.0.2', 'fd00::66'],
      grains: { os: 'Debian', fqdn: 'evil.example\nx: 1', num_cpus: 'many' },
    },
    config,
  );
  t.not(r.code, -1, r.err);
  const evil = lastHostRun(EVIL);
  t.same(evil.inventory?.addresses, ['10.66.0.2', 'fd00::66'], 'only the addresses that parse as addresses are kept');
  t.notOk('fqdn' in (evil.inventory?.grains ?? {}), 'a host name that is not one is dropped');
  t.notOk('num_cpus' in (evil.inventory?.grains ?? {}), 'a count that is not a number is dropped');
  t.equal(evil.inventory?.grains.os, 'Debian');
  t.match(evil.run?.warnings ?? [], [{ message: /not an IP address/ }], 'the host is flagged in the job store');
  t.match(r.out, /warning: .*not an IP address/, 'and in its output');

  const v = await guarded(cliFor(suite.ws, config)('highstate', '--host', VICTIM));
  t.equal(v.code, 0, v.out + v.err);
  t.match(v.out, /Name: 10\.66\.0\.2/, 'the victim renders the valid address');
  t.notMatch(v.out, /pwned/);
  const probe = await suite.fleet.exec(VICTIM, ['sh', '-c', `test -e ${PWNED} && echo present || echo absent`]);
  t.equal(probe.stdout.trim(), 'absent', 'no command of the hostile host ran on the victim');
});

t.test('bad types: an event with missing fields fails that host, not the job', async (t) => {
  const config = configWith('badtypes', {});
  await setHostileMode(suite.fleet, EVIL, { mode: 'badtypes' });
  const r = await guarded(cliFor(suite.ws, config)('highstate', '--host', `${EVIL},${VICTIM}`));
  t.equal(r.code, 8, `exit 8 (a host broke the protocol): ${r.out}${r.err}`);
  t.match(r.out, new RegExp(`${VICTIM}:[\\s\\S]*Succeeded: 1`), "the other host's run is reported in full");
  t.match(r.out, /invalid result event: .*missing/, 'the bad host says what was wrong');
  const evil = lastHostRun(EVIL);
  t.equal(evil.run?.status, 'error');
  t.equal(lastHostRun(VICTIM).run?.status, 'ok');
});

t.test('huge line: a line over the limit stops that host and the master stays small', async (t) => {
  const config = configWith('hugeline', {});
  const m = await peakRss(() => attack({ mode: 'hugeline', bytes: 300 << 20 }, config));
  const r = m.value;
  t.equal(r.code, 8, r.out + r.err);
  t.match(r.out, /a line longer than 4 MiB/);
  t.ok(m.growth < 256 << 20, `peak RSS: ${m.report} (bound 256 MiB)`);
});

t.test('junk flood: the output limit stops that host and the master stays small', async (t) => {
  const config = configWith('flood', {});
  const m = await peakRss(() => attack({ mode: 'flood', lines: 16_000_000 }, config));
  const r = m.value;
  t.equal(r.code, 8, r.out + r.err);
  t.match(r.out, /more than 64 MiB of output/);
  t.ok(m.growth < 256 << 20, `peak RSS: ${m.report} (bound 256 MiB)`);
  const small = configWith('flood-limit', { host_max_output: '8MiB' });
  const s = await attack({ mode: 'flood', lines: 4_000_000 }, small);
  t.match(s.out, /more than 8 MiB of output/, 'the limit is configurable');
});

t.test('hang after start: the host ends as timeout, the job ends', async (t) => {
  const idle = configWith('hang-idle', { host_idle_timeout: 3 });
  const r = await attack({ mode: 'hang' }, idle);
  t.equal(r.code, 7, r.out + r.err);
  t.match(r.out, /sent nothing for 3 s/);
  t.equal(lastHostRun(EVIL).run?.status, 'timeout');
  t.equal(lastHostRun(EVIL).job.status, 'timeout');

  const plain = configWith('hang', {});
  const c = await attack({ mode: 'hang' }, plain, '--timeout', '4');
  t.equal(c.code, 7, c.out + c.err);
  t.match(c.out, /did not finish within 4 s/);
});

t.test('escape codes: nothing a host sends reaches the terminal as a control sequence', async (t) => {
  const config = configWith('escapes', {});
  const text = '\x1b]0;owned\x07\x1b[2K\r\x9b31m\u202eforged\x7f';
  const r = await attack({ mode: 'escapes', text }, config);
  t.equal(r.code, 2, r.out + r.err);
  t.notMatch(r.out, CONTROL, 'highstate output');
  t.notMatch(r.err, CONTROL, 'progress');
  t.match(r.out, /\\x1b\]0;owned\\x07\\x1b\[2K\\r\\x9b31m\\u202eforged\\x7f/, 'shown escaped');
  t.match(r.out, /comment.*\n.*second line/, 'newlines of a comment stay newlines');
  await setHostileMode(suite.fleet, EVIL, { mode: 'escapes', text });
  const j = await guarded(cliFor(suite.ws, config)('highstate', '--host', EVIL, '--out', 'json'));
  t.notMatch(j.out, CONTROL, 'json output');
  const doc = JSON.parse(j.out) as Record<string, Record<string, { comment: string }>>;
  t.ok(
    Object.values(doc[EVIL]).some((s) => s.comment.startsWith(`comment${text}`)),
    'json keeps the value, escaped in its own syntax',
  );
});

t.test('claimed identity: a host naming another host is refused, the roster wins', async (t) => {
  const config = configWith('identity', {});
  const before = lastHostRun(VICTIM).inventory?.addresses;
  const r = await attack({ mode: 'identity', claim: VICTIM, addresses: ['10.77.0.1'] }, config);
  t.equal(r.code, 8, r.out + r.err);
  t.match(r.out, new RegExp(`reported itself as '${VICTIM}'`));
  t.same(lastHostRun(VICTIM).inventory?.addresses, before, "the other host's inventory is untouched");
  t.notSame(lastHostRun(EVIL).inventory?.addresses, ['10.77.0.1'], 'nothing of that run is kept');
  t.equal(lastHostRun(EVIL).run?.status, 'error');
});
