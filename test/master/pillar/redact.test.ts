import t from 'tap';
import { MIN_EMBEDDED, REDACTED, SECRET_DIFF, redact } from '../../../master/pillar/redact.ts';

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
  t.equal(
    redact('a DACTED b (x+y)*', ['DACTED', '(x+y)*']),
    `a ${REDACTED} b ${REDACTED}`,
    'one pass; regex characters are literal',
  );
});

t.test('short secrets and numbers are redacted only as whole values', async (t) => {
  const short = 'x'.repeat(MIN_EMBEDDED - 1);
  t.same(redact({ a: short, b: `${short}yz`, c: 4242, d: '4242', e: 42420, f: 'port 4242' }, [short, 4242]), {
    a: REDACTED,
    b: `${short}yz`,
    c: REDACTED,
    d: REDACTED,
    e: 42420,
    f: 'port 4242',
  });
});

t.test('secrets given as strings also match numbers with that decimal form', async (t) => {
  t.same(redact({ port: 6379, other: 63790, s: 'port 6379' }, ['6379']), {
    port: REDACTED,
    other: 63790,
    s: `port ${REDACTED}`,
  });
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
  const out = redact(v, ['topsecret']);
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
  t.equal(redact({ d }, ['topsecret']).d, d);
});

const PEM =
  '-----BEGIN TEST PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\nq9=\n-----END TEST PRIVATE KEY-----\n';
const PEM_LINES = PEM.split('\n').filter(Boolean);

t.test('a multi-line secret is redacted line by line wherever its lines appear', async (t) => {
  const indented = PEM_LINES.map((l) => `    ${l}`).join('\n');
  const out = redact({ indented, crlf: PEM.replace(/\n/g, '\r\n') }, [PEM]);
  for (const line of PEM_LINES) t.notMatch(JSON.stringify(out), line, `no trace of ${line}`);
  t.equal(out.indented.split('\n')[0], `    ${REDACTED}`, 'each line keeps its place');
  const numbered = redact(PEM_LINES.map((l, i) => `${i + 1}\t${l}`).join('\n'), [PEM]);
  t.equal(numbered.split('\n')[1], `2\t${REDACTED}`, 'a line of at least MIN_EMBEDDED characters inside a longer line');
});

t.test('short lines of a secret are redacted where they are whole lines, also behind diff marks', async (t) => {
  t.equal(redact('a\n+q9=\n-q9=\n q9=\nq9=x\n', [PEM]), `a\n+${REDACTED}\n-${REDACTED}\n ${REDACTED}\nq9=x\n`);
  t.equal(redact('+pin\n', ['pin']), `+${REDACTED}\n`, 'a short single-line secret as a diff line');
});

t.test('a diff that holds a secret, or a piece of one, is replaced whole', async (t) => {
  const diff = `--- \n+++ \n@@ -1,2 +1,2 @@\n-old\n+${PEM_LINES[1]}\n`;
  t.same(redact({ changes: { diff } }, [PEM]), { changes: { diff: SECRET_DIFF } });
  t.same(
    redact({ changes: { '/etc/a': { diff: `@@ -1 +1 @@\n-x\n+q9=\n` } } }, [PEM]),
    { changes: { '/etc/a': { diff: SECRET_DIFF } } },
    'nested (file.recurse)',
  );
  t.same(
    redact({ diff: `-x\n+${REDACTED}\n` }, ['other']),
    { diff: SECRET_DIFF },
    'a diff already redacted by the agent',
  );
  t.same(redact({ diff: '-a\n+b\n' }, [PEM]), { diff: '-a\n+b\n' }, 'other diffs are kept');
});

t.test('a secret escaped by a template (JSON, shell or YAML quoting) is still redacted', async (t) => {
  const secret = `it's "quoted": #x & *y`;
  const shown = [
    JSON.stringify({ v: secret }),
    `echo '${secret.replace(/'/g, `'"'"'`)}'`,
    `v: '${secret.replace(/'/g, "''")}'`,
  ];
  for (const s of shown) t.notMatch(redact(s, [secret]), /quoted/, s);
});

t.test('long runs of letters and digits in a secret are redacted wherever they appear', async (t) => {
  const secret = 'pre"Abc123Def456Ghi\\post';
  t.equal(redact('cut: "pre\\\\"Abc123Def456Ghi\\\\\\\\po...', [secret]), `cut: "pre\\\\"${REDACTED}\\\\\\\\po...`);
  t.equal(redact('Abc123Def45', [secret]), 'Abc123Def45', 'shorter runs are not pieces');
});
