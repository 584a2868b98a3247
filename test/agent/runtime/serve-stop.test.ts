// The agent during a run: `stop` ends it after the current state, `abort` at once, the end of
// stdin (a lost link) not at all; every run is kept as the host's last job and sent back when the
// next job asks for it.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseEvent } from '../../../agent/output/emit.ts';
import { LastJobWriter, readLastJob } from '../../../agent/runtime/last-job.ts';
import { LineReader } from '../../../agent/util/line-reader.ts';
import type { AgentEvent, JobEnvelope } from '../../../agent/protocol.ts';
import { serve } from '../../../agent/runtime/serve.ts';
import type { Logger } from '../../../agent/backends/context.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-serve-stop-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const SECRET = 'stop-test-secret-7Qx';

const files: Record<string, string> = {
  'top.sls': "base:\n  '*':\n    - slow\n",
  'slow/init.sls': [
    'first:',
    '  cmd.run:',
    '    - name: sleep 1',
    'second:',
    '  test.succeed_with_changes:',
    "    - name: pw={{ pillar['pw'] }}",
    '',
  ].join('\n'),
};
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const manifest = Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha(c)]));
const byHash = Object.fromEntries(Object.values(files).map((c) => [sha(c), c]));
let jids = 0;

function envelope(extra: Partial<JobEnvelope> = {}): JobEnvelope {
  return {
    jid: `2026120700000000000${jids++}`,
    id: 'web1',
    grains: {},
    pillar: { pw: SECRET },
    secrets: [SECRET],
    mine: {},
    saltenv: 'base',
    test: false,
    manifest,
    ...extra,
  };
}

interface Played {
  code: number;
  events: AgentEvent[];
  messages: Array<Record<string, unknown>>;
}

/** Plays the master; `control` is sent once the run has started (null: stdin is closed instead). */
async function play(env: JobEnvelope, control: 'stop' | 'abort' | null, lastJob: string): Promise<Played> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const messages: Array<Record<string, unknown>> = [];
  const events: AgentEvent[] = [];
  const lines = new LineReader(stdout);
  const reading = (async () => {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      const m = JSON.parse(line) as Record<string, unknown>;
      messages.push(m);
      const ev = parseEvent(line);
      if (ev) events.push(ev);
      if (m.type === 'hello') stdin.write(`${JSON.stringify({ type: 'job', ...env })}\n`);
      if (m.type === 'need-files') {
        const hashes = m.hashes as string[];
        stdin.write(
          `${JSON.stringify({ type: 'files', files: Object.fromEntries(hashes.map((h) => [h, Buffer.from(byHash[h]).toString('base64')])) })}\n`,
        );
      }
      if (m.type === 'start') {
        if (control) stdin.write(`${JSON.stringify({ type: control })}\n`);
        else stdin.end();
      }
    }
  })();
  const code = await serve({
    stdin,
    out: (l) => void stdout.write(l),
    log: quiet,
    casRoot: join(dir, 'cas'),
    lockFile: join(dir, 'lock'),
    detectGrains: () => ({}),
    lastJob,
  });
  stdout.end();
  await reading;
  return { code, events, messages };
}

const results = (p: Played) => p.events.filter((e) => e.type === 'result');
const done = (p: Played) => p.events.find((e) => e.type === 'done');

t.test('stop: the running state finishes, no further state runs', async (t) => {
  const p = await play(envelope(), 'stop', join(dir, 'last-stop'));
  t.same(
    results(p).map((r) => [r.id, r.result]),
    [['first', true]],
    'the sleep finished; the second state did not run',
  );
  t.equal(done(p)?.summary.stopped, true);
  t.equal(p.code, 2);
});

t.test('abort: the running state is ended at once', async (t) => {
  const p = await play(envelope(), 'abort', join(dir, 'last-abort'));
  t.same(
    results(p).map((r) => [r.id, r.result]),
    [['first', false]],
    'the sleep was killed',
  );
  t.equal(done(p)?.summary.stopped, true);
});

t.test(
  'the end of stdin alone does not stop the run; the run is kept, redacted, root-only, and sent back when asked',
  async (t) => {
    const file = join(dir, 'last-kept');
    const first = envelope();
    const p = await play(first, null, file);
    t.same(
      results(p).map((r) => r.id),
      ['first', 'second'],
      'both states ran',
    );
    t.equal(statSync(file).mode & 0o777, 0o600);
    const kept = readLastJob(file)!;
    t.equal(kept.jid, first.jid);
    t.equal(kept.events.length, 4, 'start, two results, done');
    t.notMatch(kept.events.join('\n'), SECRET);
    t.match(kept.events.join('\n'), /REDACTED/);

    const next = envelope({ recover: [first.jid, 'older'] });
    const q = await play(next, null, file);
    const sent = q.messages.find((m) => m.type === 'last-job') as { jid: string; events: string[] } | undefined;
    t.equal(sent?.jid, first.jid);
    t.same(sent?.events, kept.events);
    t.equal(readLastJob(file)!.jid, next.jid, 'the new run replaces the record');

    const other = await play(envelope({ recover: ['20200101000000000000'] }), null, file);
    t.notOk(
      other.messages.some((m) => m.type === 'last-job'),
      'a record of another job is not sent',
    );
  },
);

t.test('the record is bounded, keeps its end, and a line cut by a crash is dropped', async (t) => {
  const file = join(dir, 'bounded');
  const w = new LastJobWriter(file, '1', 200);
  for (let i = 0; i < 10; i++) w.line(`{"type":"result","id":"${'x'.repeat(40)}${i}"}\n`);
  w.line('{"type":"done","summary":{}}\n');
  w.line('{"type":"result","cut');
  w.close();
  const kept = readLastJob(file)!;
  t.ok(kept.events.length < 10);
  t.match(kept.events.at(-1), /"done"/);
});
