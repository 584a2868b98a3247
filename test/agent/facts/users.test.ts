import t from 'tap';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FactCache } from '../../../agent/facts/cache.ts';
import { accountName, lookupAccount, parseAccounts } from '../../../agent/facts/users.ts';
import { run } from '../../../agent/process/run.ts';

t.test('parseAccounts reads passwd and group lines', async (t) => {
  const db = parseAccounts(
    '# comment\nroot:x:0:0:root:/root:/bin/bash\nbroken\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n',
    'passwd',
  );
  t.same(db.byName.get('www-data'), {
    name: 'www-data',
    id: 33,
    gid: 33,
    home: '/var/www',
    shell: '/usr/sbin/nologin',
  });
  t.equal(db.byId.get(0)?.name, 'root');
  t.equal(db.byName.size, 2);
  t.same(parseAccounts('adm:x:4:syslog,me\n', 'group').byName.get('adm'), { name: 'adm', id: 4 });
  t.equal(parseAccounts(null, 'group').byName.size, 0);
});

t.test('lookups by name and id come from the files under the root', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-users-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(root, 'etc/passwd'), 'app:x:1234:1234::/srv/app:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'app:x:1234:\n');
  const facts = new FactCache({ root, run });
  t.match(await lookupAccount(facts, 'passwd', 'app'), { id: 1234, home: '/srv/app' });
  t.match(await lookupAccount(facts, 'group', 1234), { name: 'app' });
  t.same(await lookupAccount(facts, 'passwd', 4321), { name: '4321', id: 4321 }, 'an id without a name is still an id');
  t.equal(
    await lookupAccount(facts, 'passwd', 'root'),
    undefined,
    'not in this root (and getent only asks a real root)',
  );
  t.equal(await accountName(facts, 'group', 1234), 'app');
  t.equal(await accountName(facts, 'group', 99), '99');
  writeFileSync(join(root, 'etc/passwd'), 'other:x:5:5::/:/bin/sh\n');
  t.match(await lookupAccount(facts, 'passwd', 'app'), { id: 1234 }, 'cached for the run');
  facts.invalidatePath('/etc/passwd');
  t.equal(await lookupAccount(facts, 'passwd', 'app'), undefined, 'editing /etc/passwd invalidates it');
});

t.test('on a real root, names the files lack are asked to getent', async (t) => {
  const facts = new FactCache({ root: '/', run });
  t.match(await lookupAccount(facts, 'passwd', 'root'), { id: 0 });
  t.equal(await lookupAccount(facts, 'passwd', 'no-such-user-here'), undefined);
});
