// pip.installed and pip.removed against this machine's real pip, in a virtualenv made in a temporary
// directory, from wheels assembled here (no index, no network): install at the newest version a
// specifier allows, converge, upgrade, a requirements file checked by pip's dry run, removal.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import { modules } from '../../../agent/states/index.ts';
import type { StateArgs } from '../../../agent/states/types.ts';
import { wheel } from '../../e2e/lang-package-sources.ts';

function canVenv(): boolean {
  try {
    execFileSync('python3', ['-c', 'import venv, ensurepip'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const pip = modules.pip;
const ctx = (test = false) => makeContext({ test, log: silentLogger });

async function converge(fn: 'installed' | 'removed', args: StateArgs) {
  const plan = await pip[fn].check(args, ctx());
  const out = plan.status === 'pending' ? await pip[fn].apply(plan, ctx()) : undefined;
  return { plan, out, again: await pip[fn].check(args, ctx()) };
}

t.test(
  'pip states in a real virtualenv',
  { skip: canVenv() ? false : 'python3 has no venv/ensurepip here' },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'halite-pip-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    for (const v of ['1.0', '1.1']) wheel(wheels, 'halitedemo', v);
    wheel(wheels, 'halitetools', '2.0');
    const venv = join(dir, 'venv');
    // an empty PIP_CONFIG_FILE keeps this machine's pip configuration out of the test
    process.env.PIP_CONFIG_FILE = '/dev/null';
    t.teardown(() => delete process.env.PIP_CONFIG_FILE);
    execFileSync('python3', ['-m', 'venv', venv]);
    const src = { bin_env: venv, no_index: true, find_links: [wheels] };

    const first = await converge('installed', { name: 'halitedemo >= 1.0, < 1.1', ...src });
    t.equal(first.plan.comment, 'Python package halitedemo >= 1.0, < 1.1 is set to be installed');
    t.same(first.out?.changes, { 'halitedemo==1.0': 'Installed' });
    t.equal(first.again.status, 'converged', first.again.comment);

    const test = await pip.installed.check({ name: 'halitedemo', upgrade: true, ...src }, ctx(true));
    t.equal(test.status, 'pending', 'upgrade sees 1.1 in the find-links directory');
    const up = await converge('installed', { name: 'halitedemo', upgrade: true, ...src });
    t.same(up.out?.changes, { 'halitedemo==1.1': 'Installed' });
    t.match(up.again.comment, /already installed and up-to-date/);

    const req = join(dir, 'requirements.txt');
    writeFileSync(req, 'halitetools==2.0\nhalitedemo>=1.0\n');
    const reqs = await converge('installed', { name: 'app', requirements: req, ...src });
    t.match(reqs.plan.comment, /pip would install: halitetools-2\.0$/, 'only what is missing');
    t.same(reqs.out?.changes, { requirements: true });
    t.equal(reqs.again.comment, 'Requirements were already installed.');

    const gone = await converge('removed', { name: 'HaliteDemo', bin_env: venv });
    t.same(gone.out?.changes, { HaliteDemo: 'Removed' });
    t.equal(gone.again.comment, 'Package is not installed.');
  },
);
