// The facts a host reports with its start event become the exchange's addresses and grains.
import t from 'tap';
import type { AgentEvent, JobEnvelope } from '../../../agent/protocol.ts';
import { Exchange } from '../../../master/push-exchange.ts';

const SECRET = 'hunter2-secret';
const envelope: JobEnvelope = { jid: '1', id: 'vm1', grains: {}, pillar: {}, secrets: [SECRET], mine: {}, saltenv: 'base', test: false, manifest: {} };

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
    { type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false, addresses: ['10.0.0.5', 'fd00::5'], grains: { os: 'Debian', ipv4: ['10.0.0.5'] } },
    { type: 'done', jid: '1', host: 'vm1', summary },
  ]);
  t.same(x.addresses, ['10.0.0.5', 'fd00::5']);
  t.same(x.grains, { os: 'Debian', ipv4: ['10.0.0.5'] });
  t.same(seen.map((e) => e.type), ['start', 'done']);
});

t.test('an older agent without facts: nothing reported', async (t) => {
  const { x } = exchange([{ type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false }, { type: 'done', jid: '1', host: 'vm1', summary }]);
  t.equal(x.addresses, undefined);
  t.equal(x.grains, undefined);
});

t.test('malformed facts are ignored; secrets are redacted', async (t) => {
  const bad = exchange([{ type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false, addresses: ['10.0.0.1', 7], grains: ['x'] }]);
  t.same(bad.x.addresses, ['10.0.0.1']);
  t.equal(bad.x.grains, undefined);
  const secret = exchange([{ type: 'start', jid: '1', host: 'vm1', chunks: 0, test: false, addresses: [], grains: { fqdn: SECRET } }]);
  t.notMatch(JSON.stringify(secret.x.grains), SECRET);
});
