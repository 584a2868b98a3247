// The facts a host reports with its start event become the exchange's addresses and grains; what
// an agent reports is redacted again on the master, diffs of secret contents included.
import t from 'tap';
import type { AgentEvent, JobEnvelope } from '../../../agent/protocol.ts';
import { Exchange } from '../../../master/push/exchange.ts';
import { SECRET_DIFF } from '../../../master/pillar/redact.ts';

const SECRET = 'hunter2-secret';
const PEM = '-----BEGIN K-----\nMIIBcanaryLineOne\nAoGBcanaryLineTwo\nx=\n-----END K-----\n';
const envelope: JobEnvelope = {
  jid: '1',
  id: 'vm1',
  grains: {},
  pillar: {},
  secrets: [SECRET, PEM],
  mine: {},
  saltenv: 'base',
  test: false,
  manifest: {},
};

function exchange(events: object[]): { x: Exchange; seen: AgentEvent[] } {
  const seen: AgentEvent[] = [];
  const x = new Exchange({ envelope, bundle: Buffer.alloc(0), file: () => undefined, onEvent: (e) => seen.push(e) });
  x.onStdout(Buffer.from(events.map((e) => `${JSON.stringify(e)}\n`).join('')));
  x.flush();
  return { x, seen };
}

const summary = { succeeded: 0, failed: 0, changed: 0, total: 0, duration_ms: 0, test: false, stopped: false };

t.test('start with facts: addresses and grains kept', async (t) => {
  const { x, seen } = exchange([
    {
      type: 'start',
      jid: '1',
      host: 'vm1',
      chunks: 0,
      test: false,
      addresses: ['10.0.0.5', 'fd00::5'],
      grains: { os: 'Debian', ipv4: ['10.0.0.5'] },
    },
    { type: 'done', jid: '1', host: 'vm1', summary },
  ]);
  t.same(x.addresses, ['10.0.0.5', 'fd00::5']);
  t.same(x.grains, { os: 'Debian', ipv4: ['10.0.0.5'] });
  t.same(
    seen.map((e) => e.type),
    ['start', 'done'],
  );
});

t.test('an older agent without facts: nothing reported', async (t) => {
  const { x } = exchange([
    { type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false },
    { type: 'done', jid: '1', host: 'vm1', summary },
  ]);
  t.equal(x.addresses, undefined);
  t.equal(x.grains, undefined);
});

t.test('facts that are not what they claim are dropped with a warning; secrets are redacted', async (t) => {
  const bad = exchange([
    {
      type: 'start',
      jid: '1',
      host: 'vm1',
      chunks: 0,
      test: false,
      addresses: ['10.0.0.1', 7, '10.0.0.2\nx: y'],
      grains: { os: 'Debian', fqdn: 'a b' },
    },
  ]);
  t.same(bad.x.addresses, ['10.0.0.1']);
  t.same(bad.x.grains, { os: 'Debian' });
  t.match(bad.x.warnings, [
    {
      code: 'PROTOCOL',
      host: 'vm1',
      message:
        /dropped reported facts .*address entry 7 .*"10\.0\.0\.2\\nx: y" \(not an IP address\); grain fqdn "a b" \(not a host name\)/,
    },
  ]);
  t.same(
    bad.seen[0],
    { type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false, addresses: ['10.0.0.1'], grains: { os: 'Debian' } },
    'listeners see only what was kept',
  );
  const notMap = exchange([{ type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false, grains: ['x'] }]);
  t.match(notMap.x.stopped, {
    status: 'error',
    error: {
      code: 'PROTOCOL',
      message: "vm1: the agent broke the protocol: invalid start event: 'grains' is not a map",
    },
  });
  const secret = exchange([
    { type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false, addresses: [], grains: { oscodename: SECRET } },
  ]);
  t.notMatch(JSON.stringify(secret.x.grains), SECRET);
});

t.test('events out of order, for another job or after the end stop the host', async (t) => {
  const start = { type: 'start', jid: '1', host: 'vm1', chunks: 1, test: false };
  const result = {
    type: 'result',
    tag: 't',
    id: 'i',
    name: 'n',
    sls: 's',
    result: true,
    changes: {},
    comment: '',
    start_time: '',
    duration_ms: 0,
    run_num: 0,
  };
  const listener = { ...result, tag: 'service_|-listener_x_|-n_|-mod_watch', id: 'listener_x' };
  const cases: [object[], RegExp][] = [
    [[result], /a result event before the start event/],
    [[start, start], /a second start event/],
    [[start, result, result], /more results than the 1 states it announced/],
    [[start, result, listener, listener], /more results than the 1 states it announced/],
    [[start, result, listener, { ...listener, tag: 'service_|-listener_y_|-n_|-mod_watch' }], /more results than/],
    [[start, { type: 'done', jid: '1', host: 'vm1', summary }, result], /a result event after the run ended/],
    [[{ ...start, jid: '2' }], /it reported job '2' \(this job is 1\)/],
    [
      [{ type: 'error', jid: '1', host: 'vm2', error: { code: 'INTERNAL', message: 'm' } }],
      /it reported itself as 'vm2'/,
    ],
  ];
  for (const [events, problem] of cases) t.match(exchange(events).x.stopped?.error.message, problem);
  // a listening state's mod_watch comes after the states it announced (Salt's call_listen)
  const listened = exchange([start, result, listener, { type: 'done', jid: '1', host: 'vm1', summary }]).x;
  t.equal(listened.stopped, undefined, 'one listener result after the announced states');
  t.same(
    listened.results.map((r) => r.tag),
    ['t', listener.tag],
  );
  const unnamed = exchange([
    { type: 'error', jid: '', host: '', error: { code: 'INTERNAL', message: 'bad job', host: 'vm2' } },
  ]).x;
  t.equal(unnamed.stopped, undefined, 'an agent that could not read its job names neither');
  t.same(unnamed.errors, [{ code: 'INTERNAL', message: 'bad job', host: 'vm1' }], 'the roster names the host');
});

t.test('an agent that does not redact: the master hides every line of a multi-line secret and its diffs', async (t) => {
  const diff = `--- \n+++ \n@@ -1,5 +1,5 @@\n-----BEGIN K-----\n-MIIBcanaryLineOne\n+MIIBcanaryLineTwo\n-x=\n+x=\n`;
  const result = {
    type: 'result',
    tag: 'file_|-key_|-/etc/key_|-managed',
    id: 'key',
    name: '/etc/key',
    sls: 'tls',
    result: true,
    changes: { diff, '/etc/sub': { diff } },
    comment: `wrote\n  AoGBcanaryLineTwo\n`,
    start_time: '00:00:00.000000',
    duration_ms: 1,
    run_num: 0,
  };
  const { x, seen } = exchange([
    { type: 'start', jid: '1', host: 'vm1', chunks: 1, test: false },
    result,
    { type: 'done', jid: '1', host: 'vm1', summary },
  ]);
  const shown = JSON.stringify([x.results, seen]);
  for (const piece of ['MIIBcanaryLineOne', 'AoGBcanaryLineTwo', 'x=']) t.notMatch(shown, piece);
  t.same(x.results[0].changes, { diff: SECRET_DIFF, '/etc/sub': { diff: SECRET_DIFF } });
});

t.test('lines that are not protocol messages are kept redacted, for the error that may quote them', async (t) => {
  const { x } = exchange([]);
  x.onStdout(Buffer.from(`token ${SECRET}\nAoGBcanaryLineTwo\n`));
  x.flush();
  t.same(x.noise, ['token **REDACTED**', '**REDACTED**']);
});
