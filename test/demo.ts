// `npm run demo [-- --keep] [-- --name NAME] [-- --level staging|production]`: brings up the web
// platform on a fleet (a jump host and one VM per role; on production, two db and two app hosts),
// writes a roster and a halite.yaml for it in a temporary directory, runs `halite highstate --level
// L` through the jump host twice (the second run must change nothing), fetches the application's
// /health through the jump host and prints it, and takes the fleet down — or with --keep leaves it
// up and says how to go on by hand. The first run on a machine builds the fleet's VM image (a few
// minutes, with progress). Interrupted (Ctrl-C), it takes down what it brought up. Needs nothing of
// the test framework.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../master/cli.ts';
import { howToUse, writeFleetConfig, type FleetWorkspace } from './fleet/halite-config.ts';
import { down, up } from './fleet/index.ts';
import { interruption, onInterrupt } from './fleet/interrupt.ts';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const nameAt = args.indexOf('--name');
const NAME = nameAt >= 0 ? (args[nameAt + 1] ?? '') : 'demo';
const levelAt = args.indexOf('--level');
const LEVEL = levelAt >= 0 ? (args[levelAt + 1] ?? '') : 'staging';
if (LEVEL !== 'staging' && LEVEL !== 'production') {
  process.stderr.write(`--level: staging or production, not '${LEVEL}'\n`);
  process.exit(64);
}
/** One VM per role, in the order roles depend on each other; production has two db and two app hosts. */
const ROLES = ['sources', 'mail', 'masterdb', 'db', 'sessions', 'memcache', 'elastic', 'app'];
const HOSTS = ROLES.flatMap((role) => {
  const count = LEVEL === 'production' && (role === 'db' || role === 'app') ? 2 : 1;
  return Array.from({ length: count }, (_, i) => ({ id: `${role}${i + 1}`, roles: [role], level: LEVEL }));
});
const bold = process.stderr.isTTY ? (s: string) => `\x1b[1m${s}\x1b[0m` : (s: string) => s;
const say = (s: string) => process.stderr.write(`\n${bold(`== ${s}`)}\n`);
const log = (line: string) => process.stderr.write(`   ${line}\n`);

if (process.getuid?.() !== 0) {
  process.stderr.write('the demo fleet needs root (network namespaces, overlay mounts): run it as root\n');
  process.exit(1);
}

let ws: FleetWorkspace | undefined;
const takeDown = async () => {
  say('taking the fleet down');
  await down(NAME, { log });
  if (ws) rmSync(ws.dir, { recursive: true, force: true });
};
const forget = onInterrupt(takeDown);

/** Runs the halite command line in this process; its output is shown and returned. */
async function halite(...argv: string[]): Promise<{ code: number; out: string }> {
  const config = ws?.config ?? '';
  process.stderr.write(`\n$ halite --config ${config} ${argv.join(' ')}\n`);
  let out = '';
  const io = {
    stdout: (s: string) => void (process.stdout.write(s), (out += s)),
    stderr: (s: string) => void process.stderr.write(s),
    env: process.env,
    cwd: process.cwd(),
  };
  return { code: await main(['--config', config, ...argv], io), out };
}

/** The "changed" rows of a job's fleet summary: hosts changed, states changed. */
function changedCounts(out: string): number[] {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const summary = plain.slice(plain.lastIndexOf('Fleet summary'));
  return [...summary.matchAll(/^\s+changed\s+(\d+)$/gm)].map((m) => Number(m[1]));
}

let code = 0;
try {
  say(`bringing up the fleet: jump + ${HOSTS.map((h) => h.id).join(' + ')} (${LEVEL})`);
  log(
    'the first run on this machine builds the VM image (debootstrap and a package repository, a few minutes); later runs take seconds',
  );
  const fleet = await up({ name: NAME, replace: true, hosts: HOSTS, log });
  ws = writeFleetConfig(fleet, mkdtempSync(join(tmpdir(), `halite-${NAME}-`)));
  log(`configuration: ${ws.config}`);
  log(`roster:        ${ws.roster}`);

  say('first highstate: installs and configures everything, roles in dependency order');
  const first = await halite('highstate', '--level', LEVEL, '--state-output', 'terse');
  if (first.code !== 0) throw new Error(`the first highstate exited with ${first.code}`);

  say('second highstate: nothing left to change');
  const second = await halite('highstate', '--level', LEVEL, '--state-output', 'changes');
  if (second.code !== 0) throw new Error(`the second highstate exited with ${second.code}`);
  const changed = changedCounts(second.out);
  if (changed.length !== 2 || changed.some((n) => n !== 0))
    throw new Error(`the second highstate changed something (hosts, states changed: ${changed.join(', ')})`);

  say('the hosts and their last run');
  await halite('hosts');

  say("the application's /health, fetched on app1 through the jump host");
  const health = await halite(
    'run',
    '--host',
    'app1',
    '--',
    'curl',
    '-sS',
    '-w',
    '\\nHTTP %{http_code}\\n',
    'http://127.0.0.1/health',
  );
  if (health.code !== 0 || !/HTTP 200/.test(health.out)) throw new Error('/health did not answer 200');

  say('to look around');
  log(`halite ssh app1 (or any host), through the jump host: npx halite --config ${ws.config} ssh app1`);

  if (keep) {
    say('the fleet stays up: go on by hand');
    for (const line of howToUse(fleet, ws)) log(line);
    log(`(the configuration directory is yours to remove: rm -r ${ws.dir})`);
  } else {
    say('to go on by hand, run the demo with --keep: the fleet stays up and the demo prints how to use it');
  }
} catch (err) {
  // interrupted: the signal handler takes the fleet down and exits
  if (!interruption().aborted) process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  code = 1;
} finally {
  if (!interruption().aborted) {
    forget();
    if (!keep || code !== 0) await takeDown().catch((e: unknown) => process.stderr.write(`${(e as Error).message}\n`));
  }
}
process.exitCode = code;
