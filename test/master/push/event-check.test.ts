// Every message a VM sends is checked against its shape before the master reads it.
import t from 'tap';
import { checkEvent, checkWireMessage } from '../../../master/push/event-check.ts';

const result = {
  type: 'result',
  tag: 'test_|-a_|-a_|-nop',
  id: 'a',
  name: 'a',
  sls: 's',
  result: true,
  changes: {},
  comment: '',
  start_time: '00:00:00',
  duration_ms: 1,
  run_num: 0,
};
const summary = { succeeded: 1, failed: 0, changed: 0, total: 1, duration_ms: 1, test: false, stopped: false };

t.test("well-formed events pass, with only the protocol's fields", async (t) => {
  t.same(checkEvent({ type: 'start', jid: 'j', host: 'h', chunks: 2, test: false, extra: 'x' }), {
    ok: true,
    value: { type: 'start', jid: 'j', host: 'h', chunks: 2, test: false },
  });
  t.same(checkEvent({ ...result, __proto_pollution: 1 }), { ok: true, value: result });
  t.same(checkEvent({ type: 'done', jid: 'j', host: 'h', summary: { ...summary, more: 1 } }), {
    ok: true,
    value: { type: 'done', jid: 'j', host: 'h', summary },
  });
  t.same(checkEvent({ type: 'error', jid: '', host: '', error: { code: 'LOCKED', message: 'm', line: 3, junk: 1 } }), {
    ok: true,
    value: { type: 'error', jid: '', host: '', error: { code: 'LOCKED', message: 'm', line: 3 } },
  });
});

t.test('missing and mistyped fields are named', async (t) => {
  t.same(checkEvent({ type: 'result', id: 'x' }), {
    ok: false,
    problem:
      "invalid result event: missing 'tag', 'name', 'sls', 'changes', 'comment', 'start_time', 'duration_ms', 'run_num'",
  });
  t.same(checkEvent({ ...result, changes: [] }), {
    ok: false,
    problem: "invalid result event: 'changes' is not a map",
  });
  t.same(checkEvent({ ...result, result: 'yes' }), {
    ok: false,
    problem: "invalid result event: 'result' is not true, false or null",
  });
  t.same(checkEvent({ ...result, warnings: [1] }), {
    ok: false,
    problem: "invalid result event: 'warnings' is not a list of strings",
  });
  t.same(checkEvent({ ...result, duration_ms: Infinity }), {
    ok: false,
    problem: "invalid result event: 'duration_ms' is not a number",
  });
  t.same(checkEvent({ type: 'start', jid: 'j', host: 'h', chunks: -1, test: false }), {
    ok: false,
    problem: "invalid start event: 'chunks' is not a whole number",
  });
  t.same(checkEvent({ type: 'start', jid: 'j', host: 'h', chunks: 1, test: false, grains: [] }), {
    ok: false,
    problem: "invalid start event: 'grains' is not a map",
  });
  t.same(checkEvent({ type: 'done', jid: 'j', host: 'h', summary: { ...summary, failed: '0' } }), {
    ok: false,
    problem: "invalid done event: summary 'failed' is not a whole number",
  });
  t.same(checkEvent({ type: 'error', jid: 'j', host: 'h', error: { code: 'NOPE', message: 'm' } }), {
    ok: false,
    problem: "invalid error event: error code 'NOPE' is not one halite knows",
  });
  t.same(checkEvent({ type: 'error', jid: 'j', host: 'h', error: { code: 'INTERNAL' } }), {
    ok: false,
    problem: "invalid error event: error missing 'message'",
  });
});

t.test('wire messages', async (t) => {
  t.same(checkWireMessage({ type: 'hello', node: '18.19.0', agent: 'a', pid: 7 }), {
    ok: true,
    value: { type: 'hello', node: '18.19.0', agent: 'a', pid: 7 },
  });
  t.same(checkWireMessage({ type: 'alive' }), { ok: true, value: { type: 'alive' } });
  t.same(checkWireMessage({ type: 'need-agent', bytes: '5' }), {
    ok: false,
    problem: "invalid need-agent message: 'bytes' is not a whole number",
  });
  t.same(checkWireMessage({ type: 'need-files', hashes: ['../etc/passwd'] }), {
    ok: false,
    problem: "invalid need-files message: 'hashes' holds something that is not a sha256",
  });
  t.same(checkWireMessage({ type: 'need-files', hashes: ['a'.repeat(64)] }), {
    ok: true,
    value: { type: 'need-files', hashes: ['a'.repeat(64)] },
  });
  t.same(checkWireMessage({ type: 'hello', node: 1, agent: 'a', pid: 7 }), {
    ok: false,
    problem: "invalid hello message: 'node' is not a string",
  });
});
