import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, LockBusyError } from '../../../agent/runtime/lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-lock-'));

t.test('the lock holds our pid and is released', async (t) => {
  const path = join(dir, 'sub/a.lock');
  const lock = await acquireLock(path);
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  lock.release();
  t.notOk(existsSync(path));
  lock.release();
});

t.test('a live holder: the second run waits, then fails naming the holder', async (t) => {
  const path = join(dir, 'b.lock');
  const child = spawn('sleep', ['30']);
  t.teardown(() => child.kill());
  writeFileSync(path, `${child.pid}\n`);
  const started = Date.now();
  const err = await acquireLock(path, { waitSec: 0.4, pollMs: 50 }).catch((e) => e);
  t.ok(err instanceof LockBusyError);
  t.equal(err.holder, child.pid);
  t.match(err.message, `(pid ${child.pid})`);
  t.ok(Date.now() - started >= 400, 'it waited');
});

t.test('a holder that finishes while we wait hands the lock over', async (t) => {
  const path = join(dir, 'c.lock');
  const first = await acquireLock(path);
  setTimeout(() => first.release(), 150);
  const second = await acquireLock(path, { waitSec: 5, pollMs: 20 });
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  second.release();
});

t.test('a stale lock (dead pid, or garbage) is taken over', async (t) => {
  const path = join(dir, 'd.lock');
  const child = spawn('true');
  await new Promise((r) => child.on('exit', r));
  writeFileSync(path, `${child.pid}\n`);
  const lock = await acquireLock(path);
  t.equal(readFileSync(path, 'utf8'), `${process.pid}\n`);
  lock.release();
  writeFileSync(path, 'garbage');
  (await acquireLock(path)).release();
  t.notOk(existsSync(path));
});
