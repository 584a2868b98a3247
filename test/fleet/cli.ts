// The fleet on the command line:
//   npm run fleet -- up [N] [--roles R,… | --hosts ID=R[+R…],…] [--name NAME] [--level LEVEL]
//                            [--write-config DIR] [--replace]
//   npm run fleet -- down [--name NAME | --all]
//   npm run fleet -- status [--name NAME] [--json]
//   npm run fleet -- exec HOST [--name NAME] [--ssh] -- CMD [ARG…]
//   npm run fleet -- build
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { attach, fleetNames } from './attach.ts';
import { ensureCache } from './cache.ts';
import { down } from './down.ts';
import { FleetError } from './errors.ts';
import { GUEST_ENV, nsenterArgv } from './exec.ts';
import { howToUse, knownRoles, writeFleetConfig } from './halite-config.ts';
import { hostSpecs } from './host-specs.ts';
import { up } from './up.ts';

const log = (line: string) => process.stderr.write(`fleet: ${line}\n`);

function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new FleetError('must run as root (namespaces, mounts, links)', { step: 'cli' });
}

/** Runs argv with the terminal attached and resolves to its exit code. */
function interactive(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
}

const program = new Command('fleet')
  .description('test fleet: Debian VMs made of Linux namespaces')
  .showHelpAfterError();

program
  .command('up')
  .description('bring up a jump host and role hosts: N of them (host1…hostN), N per role, or the ones named')
  .argument('[count]', 'number of role hosts (with --roles: per role)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new FleetError(`not a host count: ${v}`, { step: 'cli' });
    return n;
  })
  .option('--name <name>', 'fleet name', 'default')
  .option('--roles <roles>', 'one host per role (or COUNT per role), named after it: --roles memcache,sessions')
  .option('--hosts <hosts>', 'exactly these hosts and their roles: --hosts memcache1=memcache,web1=app+memcache')
  .option('--level <level>', 'level of every host (default with --write-config: staging)')
  .option('--write-config <dir>', 'write halite.yaml, roster.yaml and known_hosts for the fleet into DIR')
  .option('--replace', 'take down a running fleet of the same name first')
  .action(
    async (
      count: number | undefined,
      o: { name: string; roles?: string; hosts?: string; level?: string; writeConfig?: string; replace?: boolean },
    ) => {
      requireRoot();
      const level = o.level ?? (o.writeConfig !== undefined ? 'staging' : undefined);
      let hosts;
      try {
        hosts = hostSpecs({ count, roles: o.roles, hosts: o.hosts, level });
      } catch (e) {
        throw new FleetError((e as Error).message, { step: 'cli' });
      }
      if (o.writeConfig !== undefined) {
        const roles = knownRoles();
        const unknown = [...new Set(hosts.flatMap((h) => h.roles ?? []))].filter((r) => !roles.includes(r));
        if (unknown.length)
          throw new FleetError(`no role named ${unknown.join(', ')} (roles: ${roles.join(', ')})`, { step: 'cli' });
      }
      const fleet = await up({ name: o.name, hosts, replace: o.replace, log });
      for (const h of [fleet.jump, ...fleet.hosts])
        process.stdout.write(`${h.id}\t${h.address}\t${h.kind}${h.roles.length ? `\t${h.roles.join(',')}` : ''}\n`);
      process.stdout.write(`ssh -F ${fleet.sshConfig} <host>\n`);
      if (o.writeConfig !== undefined) {
        // npm run starts in the checkout: INIT_CWD is where it was typed
        const ws = writeFleetConfig(fleet, resolve(process.env.INIT_CWD ?? process.cwd(), o.writeConfig));
        process.stdout.write(`${howToUse(fleet, ws).join('\n')}\n`);
      }
    },
  );

program
  .command('down')
  .description('take a fleet down and remove everything it made')
  .option('--name <name>', 'fleet name', 'default')
  .option('--all', 'every fleet on this machine')
  .action(async (o: { name: string; all?: boolean }) => {
    requireRoot();
    for (const name of o.all ? fleetNames() : [o.name]) await down(name, { log });
  });

program
  .command('status')
  .description('hosts of a fleet and whether their sshd answers')
  .option('--name <name>', 'fleet name', 'default')
  .option('--json', 'print JSON')
  .action(async (o: { name: string; json?: boolean }) => {
    requireRoot();
    const fleet = attach(o.name);
    const status = await fleet.status();
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ fleet: fleet.toJSON(), status }, null, 2)}\n`);
    } else {
      process.stdout.write(`fleet ${fleet.name}: ssh -F ${fleet.sshConfig} <host>\n`);
      for (const s of status) {
        const state = s.running ? (s.sshd ? 'sshd answers' : `sshd does not answer: ${s.error}`) : 'not running';
        process.stdout.write(`  ${s.id.padEnd(12)} ${s.kind.padEnd(5)} ${s.address.padEnd(12)} ${state}\n`);
      }
    }
    if (status.some((s) => !s.sshd)) process.exitCode = 1;
  });

program
  .command('exec')
  .description('run a command on a host (inside its namespaces, or with --ssh through the jump host)')
  .argument('<host>', 'host id')
  .argument('<command...>', 'command and arguments (after --)')
  .option('--name <name>', 'fleet name', 'default')
  .option('--ssh', 'log in with ssh instead of entering the namespaces')
  .action(async (host: string, command: string[], o: { name: string; ssh?: boolean }) => {
    requireRoot();
    const fleet = attach(o.name);
    const h = fleet.host(host);
    if (!o.ssh && !fleet.isRunning(h)) throw new FleetError('host is not running', { step: 'exec', host });
    const env = { ...GUEST_ENV, TERM: process.env.TERM ?? 'dumb' };
    const argv = o.ssh ? fleet.sshArgv(h, command) : nsenterArgv(h.pid, command, env);
    process.exitCode = await interactive(argv);
  });

program
  .command('build')
  .description('build the base root filesystem and package repository if they are missing')
  .action(async () => {
    requireRoot();
    const cache = await ensureCache({ log });
    process.stdout.write(`base: ${cache.baseRootfs}\nrepository: ${cache.repo}\n`);
  });

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
