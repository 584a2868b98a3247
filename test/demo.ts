// `npm run demo [-- --keep]`: brings up a small staging fleet (a jump host, one memcache and one
// sessions host), writes a roster and a halite.yaml for it in a temporary directory, runs
// `halite highstate --level staging` through the jump host twice (the second run changes nothing),
// shows how to log in with `halite ssh`, and takes the fleet down unless --keep is given.
import { rmSync } from 'node:fs';
import { main } from '../master/cli.ts';
import { down, up } from './fleet/index.ts';
import { fleetWorkspace } from './e2e/workspace.ts';

const NAME = 'demo';
const keep = process.argv.includes('--keep');
const say = (s: string) => process.stderr.write(`\n\x1b[1m== ${s}\x1b[0m\n`);

if (process.getuid?.() !== 0) {
  process.stderr.write('the demo fleet needs root (network namespaces, overlay mounts): run it with sudo\n');
  process.exit(1);
}

say('bringing up the fleet: jump + memcache1 + sessions1 (staging)');
const fleet = await up({
  name: NAME,
  replace: true,
  hosts: [
    { id: 'memcache1', roles: ['memcache'], level: 'staging' },
    { id: 'sessions1', roles: ['sessions'], level: 'staging' },
  ],
  log: (line) => process.stderr.write(`   ${line}\n`),
});
const ws = fleetWorkspace(fleet);
let code = 0;
try {
  process.stderr.write(`   configuration: ${ws.config}\n   roster:        ${ws.roster}\n`);
  const halite = (...args: string[]) => {
    process.stderr.write(`\n$ halite --config ${ws.config} ${args.join(' ')}\n`);
    return main(['--config', ws.config, ...args]);
  };

  say('first highstate: installs and configures everything');
  code = await halite('highstate', '--level', 'staging', '--state-output', 'terse');
  if (code !== 0) throw new Error(`highstate exited with ${code}`);

  say('second highstate: nothing left to change');
  code = await halite('highstate', '--level', 'staging', '--state-output', 'changes');
  if (code !== 0) throw new Error(`highstate exited with ${code}`);

  say('the hosts and their last run');
  await halite('hosts');

  say('log in to a host through the jump box');
  process.stderr.write(`   node --import tsx master/cli.ts --config ${ws.config} ssh memcache1\n`);
  process.stderr.write(`   node --import tsx master/cli.ts --config ${ws.config} ssh --role sessions --level staging\n`);
  if (!keep) process.stderr.write('   (run the demo with --keep to leave the fleet up for that)\n');
} catch (err) {
  process.stderr.write(`demo failed: ${(err as Error).message}\n`);
  code ||= 1;
} finally {
  if (keep) {
    process.stderr.write(`\nthe fleet is still up; take it down with: npm run fleet -- down --name ${NAME}\n`);
  } else {
    say('taking the fleet down');
    await down(NAME);
    rmSync(ws.dir, { recursive: true, force: true });
  }
}
process.exitCode = code;
