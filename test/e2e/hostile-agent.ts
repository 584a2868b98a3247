// A hostile agent for end-to-end tests: a program put on one fleet VM in place of the agent
// bundle the master will run there. The bootstrap runs the bundle by its sha256 and only sends it
// when that file is missing, so a file of that name under the VM's agent directory is what the
// master starts. It speaks the exchange (hello, reads the job) and then attacks as its mode says:
//
//   facts      reports `addresses` and `grains` of its choosing with `start`, then finishes normally
//   badtypes   a `result` event with its fields missing
//   hugeline   `bytes` bytes without a newline
//   flood      `lines` junk lines
//   hang       `start`, then nothing, forever
//   escapes    results whose ids, names, comments and changes carry terminal control sequences
//   identity   events that name another host (`claim`) and report `addresses` for it
import { agentBundle } from '../../master/push/bundle.ts';
import { AGENT_DIR } from '../../master/push/bootstrap.ts';
import type { Fleet } from '../fleet/index.ts';
import { putFiles } from './support.ts';

export type HostileMode =
  | { mode: 'facts'; addresses?: unknown; grains?: unknown }
  | { mode: 'badtypes' }
  | { mode: 'hugeline'; bytes: number }
  | { mode: 'flood'; lines: number }
  | { mode: 'hang' }
  | { mode: 'escapes'; text: string }
  | { mode: 'identity'; claim: string; addresses: string[] };

const MODE_FILE = '/root/hostile-mode.json';

/** The hostile program, reading its mode from `modeFile` on the host. */
export const hostileProgram = (modeFile = MODE_FILE): string => String.raw`'use strict';
const fs = require('fs');
const cfg = JSON.parse(fs.readFileSync(${JSON.stringify(modeFile)}, 'utf8'));
process.stdout.on('error', () => process.exit(0));
// the program ends when the session that started it is gone, so that a test leaves nothing behind
setInterval(() => { if (process.ppid === 1) process.exit(0); }, 500).unref();
const w = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const pump = async (chunk, total) => {
  for (let sent = 0; sent < total; sent += chunk.length) {
    if (!process.stdout.write(chunk)) await new Promise((r) => process.stdout.once('drain', r));
  }
};
const summary = (n) => ({ succeeded: n, failed: 0, changed: 0, total: n, duration_ms: 1, test: false, stopped: false });
const result = (id, extra) => Object.assign({ type: 'result', tag: 'test_|-' + id + '_|-' + id + '_|-succeed_without_changes', id, name: id, sls: 'hostile',
  result: true, changes: {}, comment: 'ok', start_time: '00:00:00.000000', duration_ms: 1, run_num: 0 }, extra || {});
async function run(job) {
  const me = { jid: job.jid, host: job.id };
  const start = (extra) => w(Object.assign({ type: 'start' }, me, { chunks: 1, test: false }, extra || {}));
  const done = (n) => w({ type: 'done', jid: me.jid, host: me.host, summary: summary(n === undefined ? 1 : n) });
  switch (cfg.mode) {
    case 'facts':
      start({ addresses: cfg.addresses, grains: cfg.grains });
      w(result('hostile-ok'));
      done();
      break;
    case 'badtypes':
      start();
      w({ type: 'result', id: 'hostile-broken' });
      done();
      break;
    case 'hugeline':
      start();
      await pump(Buffer.alloc(1 << 20, 'x'), cfg.bytes);
      process.stdout.write('\n');
      done(0);
      break;
    case 'flood':
      start();
      await pump(Buffer.from('junk\n'.repeat(200000)), cfg.lines * 5);
      done(0);
      break;
    case 'hang':
      start();
      setInterval(() => {}, 1 << 30);
      return;
    case 'escapes': {
      const t = cfg.text;
      start({ chunks: 2 });
      w(result('hostile-esc' + t, { name: 'name' + t, comment: 'comment' + t + '\nsecond line', changes: { ['key' + t]: 'value' + t, stdout: 'out' + t } }));
      w(result('hostile-esc-failed', { result: false, comment: 'failed' + t }));
      w({ type: 'done', jid: me.jid, host: me.host, summary: { succeeded: 1, failed: 1, changed: 1, total: 2, duration_ms: 1, test: false, stopped: false } });
      break;
    }
    case 'identity':
      w({ type: 'start', jid: job.jid, host: cfg.claim, chunks: 1, test: false, addresses: cfg.addresses });
      w(result('hostile-ok'));
      w({ type: 'done', jid: job.jid, host: cfg.claim, summary: summary(1) });
      break;
  }
  process.stdout.write('', () => process.exit(0));
}
w({ type: 'hello', node: process.versions.node, agent: 'hostile', pid: process.pid });
let buf = '';
let started = false;
process.stdin.on('data', (c) => {
  if (started) return;
  buf += c;
  const nl = buf.indexOf('\n');
  if (nl < 0) return;
  started = true;
  run(JSON.parse(buf.slice(0, nl)));
});
`;

/** Puts the hostile program where the master's bootstrap looks for this master's agent bundle. */
export async function installHostileAgent(fleet: Fleet, host: string): Promise<void> {
  const b = await agentBundle();
  await fleet.exec(host, ['rm', '-f', `${AGENT_DIR}/${b.fileName}.v8`]);
  await putFiles(fleet, host, AGENT_DIR, { [b.fileName]: hostileProgram() });
}

/** What the hostile program does on its next run. */
export async function setHostileMode(fleet: Fleet, host: string, mode: HostileMode): Promise<void> {
  await putFiles(fleet, host, '/root', { 'hostile-mode.json': JSON.stringify(mode) });
}
