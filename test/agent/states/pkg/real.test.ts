// pkg against the real dpkg and apt of this host.
// Reading (check in test mode) always runs where dpkg-query exists. Installing and removing
// the small `hello` package runs only with HALITE_REAL_APT=1, as root.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { modules } from '../../../../agent/states/index.ts';
import { makeContext, silentLogger } from '../../../../agent/states/context.ts';
import { aptUpdateFact } from '../../../../agent/backends/apt.ts';
import type { StateContext } from '../../../../agent/states/types.ts';

const pkg = modules.pkg;
const PACKAGE = 'hello';

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function installed(name: string): boolean {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).endsWith(' installed');
  } catch {
    return false;
  }
}

/** A context whose package lists count as refreshed, so reading never runs apt-get update. */
function readOnly(test: boolean): StateContext {
  const ctx = makeContext({ test, log: silentLogger });
  ctx.facts.set(aptUpdateFact, '', { ok: true, comment: '' });
  return ctx;
}

const canRead = has('dpkg-query') && has('apt-cache');

t.test(
  'check reads the real dpkg database and candidates',
  { skip: canRead ? false : 'no dpkg/apt here' },
  async (t) => {
    const ctx = readOnly(true);
    const present = await pkg.installed.check({ name: 'dpkg' }, ctx);
    t.equal(present.status, 'converged', 'dpkg is installed where dpkg-query runs');
    t.equal(present.comment, 'All specified packages are already installed');
    const gone = await pkg.removed.check({ name: 'nosuchpkg-halite-test' }, ctx);
    t.equal(gone.status, 'converged');
    const unknown = await pkg.installed.check({ name: 'nosuchpkg-halite-test' }, ctx);
    t.equal(unknown.status, 'failed');
    const latest = await pkg.latest.check({ name: 'dpkg' }, ctx);
    t.not(latest.status, 'failed', latest.comment);
  },
);

const real = process.env.HALITE_REAL_APT === '1';
const skipReal = !real
  ? 'set HALITE_REAL_APT=1 to install and remove a package on this host'
  : process.getuid?.() !== 0
    ? 'needs root'
    : installed(PACKAGE)
      ? `${PACKAGE} is already installed; not touching it`
      : false;

t.test(`install and remove ${PACKAGE} for real`, { skip: skipReal }, async (t) => {
  const ctx = makeContext({ log: silentLogger });
  t.teardown(() => {
    if (installed(PACKAGE))
      execFileSync('apt-get', ['-q', '-y', 'purge', PACKAGE], {
        stdio: 'ignore',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
  });
  const plan = await pkg.installed.check({ name: PACKAGE }, ctx);
  t.equal(plan.status, 'pending', plan.comment);
  const out = await pkg.installed.apply(plan, ctx);
  t.equal(out.result ?? true, true, out.comment);
  t.equal(out.comment, `The following packages were installed/updated: ${PACKAGE}`);
  t.match(out.changes, { [PACKAGE]: { old: '', new: /\S/ } });
  t.ok(installed(PACKAGE), 'dpkg says installed');
  t.equal((await pkg.installed.check({ name: PACKAGE }, ctx)).status, 'converged', 're-check converged');

  const rm = await pkg.purged.check({ name: PACKAGE }, ctx);
  t.equal(rm.status, 'pending');
  const gone = await pkg.purged.apply(rm, ctx);
  t.equal(gone.result ?? true, true, gone.comment);
  t.equal(gone.comment, 'All targeted packages were purged.');
  t.match(gone.changes, { [PACKAGE]: { old: /\S/, new: '' } });
  t.notOk(installed(PACKAGE));
  t.equal((await pkg.purged.check({ name: PACKAGE }, ctx)).status, 'converged');
});
