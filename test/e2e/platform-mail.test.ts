// The mail relay and its satellites, converged by the shipped state tree through the jump box: mail
// from another host goes through the relay, is DKIM-signed there and delivered for the level's
// domain; the relay refuses to relay for an address outside the level's network; a repeated
// highstate changes nothing.
import t from 'tap';
import { changedTags, secondRunChangesNothing, failures, parseHighstate, sh, withPillar } from './platform-support.ts';
import { cliFor, fleetSuite } from './workspace.ts';

const suite = fleetSuite('platform-mail', [
  { id: 'mail1', roles: ['mail'], level: 'staging' },
  { id: 'memcache1', roles: ['memcache'], level: 'staging' },
]);
const HOSTS = ['mail1', 'memcache1'];
const DOMAIN = 'staging.example.internal';
const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;

/** One SMTP conversation from `from` to `to`:25 with Node (on every host); the server's replies. */
async function smtp(from: string, to: string, lines: string[]): Promise<string> {
  const script = `
    const [host, json] = process.argv.slice(1);
    const lines = JSON.parse(json);
    let out = '', buf = '';
    const s = require('net').connect({ host, port: 25 });
    s.on('data', (d) => {
      out += d; buf += d;
      for (let i = buf.indexOf('\\n'); i >= 0; i = buf.indexOf('\\n')) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        if (/^\\d{3} /.test(line) && lines.length) s.write(lines.shift() + '\\r\\n');
      }
    });
    s.on('close', () => process.stdout.write(out));
    s.on('error', (e) => process.stdout.write('ERROR ' + e.message));`;
  return (await suite.fleet.exec(from, ['node', '-e', script, to, JSON.stringify(lines)], { timeoutMs: 30_000 }))
    .stdout;
}

t.test(
  'a first highstate converges the relay and a satellite with no failed state; then nothing changes',
  async (t) => {
    const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
    t.same(failures(parseHighstate(r)), []);
    t.equal(r.code, 0, r.err);
    await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
  },
);

t.test("the satellite relays through the mail host, which signs and delivers the level's mail", async (t) => {
  t.equal((await sh(suite.fleet, 'memcache1', 'postconf -h relayhost')).trim(), `[${addr('mail1')}]`);
  const subject = `probe ${Date.now()}`;
  await suite.fleet.exec('memcache1', [
    'sh',
    '-c',
    `echo 'hello from memcache1' | mail -s '${subject}' root@${DOMAIN}`,
  ]);
  let box = '';
  for (let i = 0; i < 150 && !box.includes(subject); i++) {
    box = (await suite.fleet.exec('mail1', ['cat', '/var/mail/root'], { reject: false })).stdout;
    if (!box.includes(subject)) await new Promise((r) => setTimeout(r, 200));
  }
  t.match(box, `Subject: ${subject}`, "delivered in root's mailbox on mail1");
  const msg = box.slice(box.lastIndexOf('\nFrom ') + 1);
  t.match(
    msg,
    new RegExp(`DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple;\\s+d=${DOMAIN.replace(/\./g, '\\.')};\\s+s=mail;`),
    "signed for the level's domain",
  );
  t.match(msg, new RegExp(`\\nFrom: .*root@${DOMAIN.replace(/\./g, '\\.')}`), "sent as the level's domain");
  t.match(
    msg,
    new RegExp(`Received: from memcache1 \\(.*\\[${addr('memcache1').replace(/\./g, '\\.')}\\]\\)`),
    'received from the satellite',
  );
});

t.test("the relay refuses relaying for an address outside the level's network", async (t) => {
  const rcpt = ['EHLO probe', 'MAIL FROM:<x@example.net>', 'RCPT TO:<victim@example.org>', 'QUIT'];
  // memcache1's IPv6 link-local address is on the same link but in none of the relay's networks
  const lladdr = (
    await sh(suite.fleet, 'mail1', "ip -6 -o addr show dev eth0 scope link | awk '{print $4}' | cut -d/ -f1")
  ).trim();
  t.match(lladdr, /^fe80:/);
  const outside = await smtp('memcache1', `${lladdr}%eth0`, rcpt);
  t.match(outside, /^220 /);
  t.match(outside, /\n554 5\.7\.1 <victim@example\.org>: Relay access denied/, 'refused from outside');
  const inside = await smtp('memcache1', addr('mail1'), rcpt);
  t.match(inside, /\n250 2\.1\.5 Ok/, "accepted from the level's network");
});

t.test(
  'the signing key is root-only on the relay and the relay listens for the network; satellites do not',
  async (t) => {
    t.equal((await sh(suite.fleet, 'mail1', 'stat -c "%U %a" /etc/dkimkeys/mail.private')).trim(), 'opendkim 600');
    t.equal(
      (await suite.fleet.exec('mail1', ['service', 'opendkim', 'status'], { reject: false })).exitCode,
      0,
      'opendkim runs',
    );
    t.match(await sh(suite.fleet, 'mail1', "ss -Hltn 'sport = :25'"), /0\.0\.0\.0:25|\*:25/);
    t.notMatch(
      await sh(suite.fleet, 'memcache1', "ss -Hltn 'sport = :25'"),
      new RegExp(addr('memcache1').replace(/\./g, '\\.')),
    );
  },
);

t.test('a new memcached size in pillar changes only the memcache host and restarts only memcached', async (t) => {
  const pids = async (h: string) =>
    sh(suite.fleet, h, 'for s in memcached master opendkim chronyd; do echo "$s $(pidof -s $s)"; done');
  const before = { mail1: await pids('mail1'), memcache1: await pids('memcache1') };
  const config = withPillar(suite.ws, 'bigger', {
    'infra/staging.sls': (text) => text.replace(/^  memory: 64$/m, '  memory: 80'),
  });
  const r = await cliFor(suite.ws, config)('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.same(changedTags(doc, 'memcache1').sort(), [
    'file_|-memcached_|-/etc/memcached.conf_|-managed',
    'service_|-memcached_|-memcached_|-running',
  ]);
  t.same(changedTags(doc, 'mail1'), [], 'the mail host is not touched');
  t.match(await sh(suite.fleet, 'memcache1', 'cat /etc/memcached.conf'), /^-m 80$/m);
  const after = { mail1: await pids('mail1'), memcache1: await pids('memcache1') };
  t.equal(after.mail1, before.mail1, 'nothing restarted on the mail host');
  const line = (s: string, name: string) => s.split('\n').find((l) => l.startsWith(`${name} `));
  t.not(line(after.memcache1, 'memcached'), line(before.memcache1, 'memcached'), 'memcached restarted');
  for (const other of ['master', 'chronyd'])
    t.equal(line(after.memcache1, other), line(before.memcache1, other), `${other} was not restarted`);
});
