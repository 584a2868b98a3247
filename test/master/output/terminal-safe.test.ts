// Text from hosts is printed with its control characters escaped.
import t from 'tap';
import { safeHostResult, safeJson, safeLine, safeText } from '../../../master/output/terminal-safe.ts';
import { formatHostOutput } from '../../../master/output/fleet-summary.ts';
import { resultDetail } from '../../../master/output/progress.ts';
import type { PushResult } from '../../../master/push/host.ts';

const NASTY = '\x1b]0;owned\x07\x1b[2K\r\x9b31m\u202eforged\x7f\u2028';
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

t.test('lines and text', async (t) => {
  t.equal(safeLine(`a${NASTY}\n\tb`), 'a\\x1b]0;owned\\x07\\x1b[2K\\r\\x9b31m\\u202eforged\\x7f\\u2028\\n\\tb');
  t.equal(safeText('one\n\ttwo\r\n'), 'one\n\ttwo\\r\n');
  t.equal(safeText('plain ünïcode ✓'), 'plain ünïcode ✓');
});

t.test('JSON keeps its values, escaped in its own syntax', async (t) => {
  const v = { [`k${NASTY}`]: `v${NASTY}` };
  const text = safeJson(JSON.stringify(v));
  t.notMatch(text, CONTROL);
  t.same(JSON.parse(text), v);
});

const hostile: PushResult = {
  host: 'vm1',
  status: 'failed',
  durationMs: 5,
  results: [
    {
      tag: `test_|-i${NASTY}_|-n_|-nop`,
      id: `i${NASTY}`,
      name: `n${NASTY}\nName: forged`,
      sls: 's',
      result: false,
      changes: { [`k${NASTY}`]: { stdout: `out${NASTY}\nline 2` } },
      comment: `c${NASTY}\nsecond`,
      start_time: '0',
      duration_ms: 1,
      run_num: 0,
      warnings: [`w${NASTY}`],
    },
  ],
  errors: [{ code: 'PROTOCOL', host: 'vm1', message: `e${NASTY}` }],
  warnings: [{ code: 'PROTOCOL', host: 'vm1', message: `dropped ${NASTY}` }],
};

t.test("a host's output and progress line carry no control character", async (t) => {
  const out = formatHostOutput(hostile);
  t.notMatch(out, CONTROL);
  t.match(out, 'Comment: c\\x1b]0;owned');
  t.match(out, /second/, 'a comment keeps its lines');
  t.notMatch(out, /^\s*Name: forged/m, 'a name cannot forge a line');
  t.match(out, 'warning: dropped \\x1b');
  t.notMatch(resultDetail({ ...hostile, status: 'error' }), CONTROL);
  t.same(safeHostResult(hostile).results[0].result, false, 'only text changes');
});
