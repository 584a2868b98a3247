// A command the agent was running ends with the agent: real processes, a real kill -9.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../../agent/process/run.ts';

const RUN_TS = fileURLToPath(new URL('../../../agent/process/run.ts', import.meta.url));
const WATCHDOG_TS = fileURLToPath(new URL('../../../agent/process/group-watchdog.ts', import.meta.url));

/** Alive and not a zombie (an orphan's zombie may linger until something reaps it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 50));
}

const pidIn = (path: string): number => Number(readFileSync(path, 'utf8').trim());

/** A Node process that runs `line` through run.ts (as the agent runs a state's command). */
function agentRunning(line: string) {
  const code = `import(${JSON.stringify(RUN_TS)}).then((m) => m.run(['/bin/sh', '-c', ${JSON.stringify(line)}]))`;
  return spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: 'ignore' });
}

t.test('kill -9 of the agent ends the command it was running, children included', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'halite-wd-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  const agent = agentRunning(`sleep 300 & echo $! >${d}/child; echo $$ >${d}/leader; wait`);
  await until(() => existsSync(`${d}/leader`) && existsSync(`${d}/child`));
  const leader = pidIn(`${d}/leader`);
  const child = pidIn(`${d}/child`);
  t.ok(running(leader) && running(child), 'the command runs');
  agent.kill('SIGKILL');
  await until(() => !running(leader) && !running(child));
  t.pass('the command and its child are gone');
  t.teardown(() => {
    for (const p of [leader, child])
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* gone */
      }
  });
});

t.test('a command that ignores SIGTERM is killed after the grace time', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'halite-wd-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  const agent = agentRunning(`trap '' TERM; echo $$ >${d}/leader; while :; do sleep 1; done`);
  await until(() => existsSync(`${d}/leader`));
  const leader = pidIn(`${d}/leader`);
  agent.kill('SIGKILL');
  await until(() => !running(leader));
  t.pass('gone');
});

t.test('a command that finished is not touched: its group is released, a daemon it left runs on', async (t) => {
  const d = mkdtempSync(join(tmpdir(), 'halite-wd-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));
  // like an init script: starts a background process in its own group (same pgid) and returns
  const agent = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '-e',
      `Promise.all([import(${JSON.stringify(RUN_TS)}), import(${JSON.stringify(WATCHDOG_TS)})]).then(async ([m, w]) => {
    await m.run(['/bin/sh', '-c', 'sleep 300 </dev/null >/dev/null 2>&1 & echo $! >${d}/daemon']);
    require('node:fs').writeFileSync('${d}/watchdog', String(w.watchdogPid()));
    setInterval(() => {}, 1000);
  })`,
    ],
    { stdio: 'ignore' },
  );
  await until(() => existsSync(`${d}/watchdog`));
  const daemon = pidIn(`${d}/daemon`);
  const watchdog = pidIn(`${d}/watchdog`);
  t.teardown(() => void (running(daemon) && process.kill(daemon, 'SIGKILL')));
  t.ok(running(watchdog), 'the watchdog runs beside the agent');
  agent.kill('SIGKILL');
  await until(() => !running(watchdog));
  t.ok(running(daemon), 'the daemon still runs');
});

t.test('a command killed by a signal is reported as such, not as a status', async (t) => {
  const r = await run(['/bin/sh', '-c', 'kill -KILL $$']);
  t.equal(r.signal, 'SIGKILL');
  t.equal(r.code, 137);
  t.equal(r.error, 'Killed by SIGKILL');
});
