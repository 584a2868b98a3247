import t from 'tap';
import { MIN_EMBEDDED, REDACTED, redact } from '../../master/redact.ts';

t.test('whole values equal to a secret are redacted, deep', async (t) => {
  const chunk = {
    tag: 'file_|-redis_|-/etc/redis/redis.conf_|-managed',
    args: { context: { redis: { password: 's3cret-pw', port: 6379 } }, user: 'redis', list: ['a', 's3cret-pw'] },
  };
  t.same(redact(chunk, ['s3cret-pw']), {
    tag: 'file_|-redis_|-/etc/redis/redis.conf_|-managed',
    args: { context: { redis: { password: REDACTED, port: 6379 } }, user: 'redis', list: ['a', REDACTED] },
  });
  t.equal(chunk.args.context.redis.password, 's3cret-pw', 'the input is not modified');
});

t.test('secrets inside longer strings, keys and tags are replaced', async (t) => {
  const data = {
    contents: 'bind 127.0.0.1\nrequirepass s3cret-pw\n',
    'ssh-ed25519 AAAAkey': true,
    tag: 'ssh_auth_|-key_|-ssh-ed25519 AAAAkey_|-present',
  };
  t.same(redact(data, ['s3cret-pw', 'ssh-ed25519 AAAAkey']), {
    contents: `bind 127.0.0.1\nrequirepass ${REDACTED}\n`,
    [REDACTED]: true,
    tag: `ssh_auth_|-key_|-${REDACTED}_|-present`,
  });
});

t.test('the longest secret wins where secrets overlap', async (t) => {
  t.equal(redact('x=abcdefgh', ['abcd', 'abcdefgh']), `x=${REDACTED}`);
  t.equal(redact('x=abcd abcdefgh', ['abcdefgh', 'abcd']), `x=${REDACTED} ${REDACTED}`);
  t.equal(redact('a DACTED b (x+y)*', ['DACTED', '(x+y)*']), `a ${REDACTED} b ${REDACTED}`, 'one pass; regex characters are literal');
});

t.test('short secrets and numbers are redacted only as whole values', async (t) => {
  const short = 'x'.repeat(MIN_EMBEDDED - 1);
  t.same(redact({ a: short, b: `${short}yz`, c: 4242, d: '4242', e: 42420, f: 'port 4242' }, [short, 4242]), {
    a: REDACTED, b: `${short}yz`, c: REDACTED, d: REDACTED, e: 42420, f: 'port 4242',
  });
});

t.test('secrets given as strings also match numbers with that decimal form', async (t) => {
  t.same(redact({ port: 6379, other: 63790, s: 'port 6379' }, ['6379']), { port: REDACTED, other: 63790, s: `port ${REDACTED}` });
});

t.test('booleans, null and empty strings are never treated as secrets', async (t) => {
  const v = { a: true, b: null, c: '', d: 'text' };
  t.same(redact(v, [true, null, '', undefined, { x: 1 }]), v);
});

t.test('no secrets: the value itself', async (t) => {
  const v = { a: 1 };
  t.equal(redact(v, []), v);
});

t.test('shared and cyclic structures are handled', async (t) => {
  const shared = { pw: 'topsecret' };
  const v: Record<string, unknown> = { a: shared, b: shared };
  v.self = v;
  const out = redact(v, ['topsecret']) as Record<string, unknown>;
  t.same(out.a, { pw: REDACTED });
  t.equal(out.a, out.b);
  t.equal(out.self, out);
});

t.test('errors and class instances come back as plain redacted data', async (t) => {
  class Box {
    constructor(readonly inner: string) {}
  }
  t.same(redact([new Box('topsecret')], ['topsecret']), [{ inner: REDACTED }]);
  const d = new Date(0);
  t.equal((redact({ d }, ['topsecret']) as { d: Date }).d, d);
});
