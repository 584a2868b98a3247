import t from 'tap';
import { formatEvent, makeEmitter, parseEvent, summarize } from '../../../agent/output/emit.ts';
import type { StateResult } from '../../../agent/protocol.ts';

const r = (result: boolean | null, changes: Record<string, unknown> = {}): StateResult => ({
  tag: 'test_|-a_|-a_|-nop',
  id: 'a',
  name: 'a',
  sls: 's',
  result,
  changes,
  comment: '',
  start_time: '00:00:00.000000',
  duration_ms: 1.5,
  run_num: 0,
});

t.test('events are one JSON object per line and parse back', async (t) => {
  const lines: string[] = [];
  const e = makeEmitter('1', 'h', (l) => lines.push(l));
  e.start(2, false);
  e.result(r(true));
  e.error({ code: 'RENDER_YAML', message: 'bad', file: 'x.sls', line: 3 });
  e.done(summarize([r(true)], false, false));
  t.ok(lines.every((l) => l.endsWith('\n') && !l.slice(0, -1).includes('\n')));
  const parsed = lines.map(parseEvent);
  t.same(
    parsed.map((p) => p?.type),
    ['start', 'result', 'error', 'done'],
  );
  t.match(parsed[1], { type: 'result', tag: 'test_|-a_|-a_|-nop', result: true, run_num: 0 });
  t.match(parsed[2], { jid: '1', host: 'h', error: { code: 'RENDER_YAML', line: 3 } });
  t.equal(parseEvent('not json'), undefined);
  t.equal(parseEvent('{"type":"other"}'), undefined);
  t.equal(parseEvent('{broken'), undefined);
  t.equal(
    formatEvent({ type: 'start', jid: 'j', host: 'h', chunks: 0, test: true }),
    '{"type":"start","jid":"j","host":"h","chunks":0,"test":true}\n',
  );
});

t.test('summary counts: a test-mode None succeeds; changes are counted', async (t) => {
  t.same(summarize([r(true), r(false), r(null, { x: 1 }), r(true, { y: 2 })], true, true), {
    succeeded: 3,
    failed: 1,
    changed: 2,
    total: 4,
    duration_ms: 6,
    test: true,
    stopped: true,
  });
});

// A test-mode None is Salt's "would be changed" (doc/ref/states/testing.rst), changes or not:
// cmd.script's test report names none (tests/pytests/unit/states/test_cmd.py test_script).
t.test('in a test run a None result counts as a change; in an applied run only changes do', async (t) => {
  t.equal(summarize([r(null), r(true)], true, false).changed, 1);
  t.equal(summarize([r(null), r(true)], false, false).changed, 0);
});
