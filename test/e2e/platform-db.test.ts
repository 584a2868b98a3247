// MariaDB for the platform, converged by the shipped state tree through the jump box: the masterdb
// with the application's database and user, two db replicas following it by GTID; rows written on
// the primary appear on every replica, replicas refuse writes, and a repeated highstate changes
// nothing. A replica destroyed and replaced by a fresh VM at another address rejoins on its first
// highstate, and its peers' /etc/hosts follow it on the next.
import t from 'tap';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO } from './support.ts';
import { changedTags, secondRunChangesNothing, failures, parseHighstate, sh } from './platform-support.ts';
import { fleetSuite } from './workspace.ts';

// db3 is a spare VM outside the roster: it becomes db1 when db1 is replaced.
const suite = fleetSuite(
  'platform-db',
  [
    { id: 'masterdb1', roles: ['masterdb'], level: 'staging' },
    { id: 'db1', roles: ['db'], level: 'staging' },
    { id: 'db2', roles: ['db'], level: 'staging' },
    { id: 'db3', roles: ['db'], level: 'staging' },
  ],
  async (s) => {
    const roster = parse(readFileSync(s.ws.roster, 'utf8'));
    delete roster.db3;
    writeFileSync(s.ws.roster, stringify(roster));
    writeFileSync(
      s.ws.knownHosts,
      readFileSync(s.ws.knownHosts, 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('db3,'))
        .join('\n'),
    );
  },
);
const HOSTS = ['db1', 'db2', 'masterdb1'];
const REPLICAS = ['db1', 'db2'];
const secrets = parse(readFileSync(join(REPO, 'pillar-private/accounts/mariadb.sls'), 'utf8')).mariadb;
const APP_PASSWORD: string = secrets.databases.platform.password;
const REPL_PASSWORD: string = parse(readFileSync(join(REPO, 'pillar-private/accounts/mariadb_replication.sls'), 'utf8'))
  .mariadb.replication_password;
const addr = (id: string) => suite.fleet.hosts.find((h) => h.id === id)!.address;
const sql = (host: string, query: string) =>
  sh(suite.fleet, host, `mariadb --batch --skip-column-names -e ${JSON.stringify(query)}`);
/** Polls a replica until the query prints `want` (replication is asynchronous). */
async function eventually(host: string, query: string, want: string): Promise<string> {
  let got = '';
  for (let i = 0; i < 100; i++) {
    got = (await sql(host, query)).trim();
    if (got === want) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return got;
}

t.test('a first highstate converges the primary, then the replicas against it, with no failed state', async (t) => {
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.equal(r.code, 0, r.err);
  t.same(Object.keys(doc).sort(), HOSTS);
  t.match(r.err, /wave 1 \(masterdb\): masterdb1\n.*wave 2 \(db\): db1, db2/s, 'the replicas run after the primary');
  t.ok(
    changedTags(doc, 'masterdb1').includes(
      'cmd_|-mariadb-primary-apply_|-/usr/bin/mariadb --batch < /etc/mysql/halite/primary.sql && install -m 0600 /etc/mysql/halite/primary.sql /var/lib/mysql/halite-primary.sql_|-run',
    ),
  );
  for (const h of REPLICAS)
    t.ok(
      changedTags(doc, h).some((tag) => tag.startsWith('cmd_|-mariadb-replica-apply_|-')),
      `${h}: replication set up in the same job`,
    );
});

t.test('the next run only names the hosts converged later in /etc/hosts; the one after changes nothing', async (t) => {
  await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
});

t.test('each replica follows the primary by GTID, both threads running', async (t) => {
  for (const h of REPLICAS) {
    const status = await sh(suite.fleet, h, 'mariadb -e "SHOW SLAVE STATUS\\G"');
    t.match(
      status,
      new RegExp(`Master_Host: ${addr('masterdb1').replace(/\./g, '\\.')}\\n`),
      `${h}: its primary is masterdb1's address`,
    );
    t.match(status, /Slave_IO_Running: Yes\n/);
    t.match(status, /Slave_SQL_Running: Yes\n/);
    t.match(status, /Using_Gtid: Slave_Pos\n/);
    t.equal((await sql(h, 'SELECT @@read_only')).trim(), '1', `${h} is read-only`);
  }
  const ids = await Promise.all(HOSTS.map(async (h) => (await sql(h, 'SELECT @@server_id')).trim()));
  t.equal(new Set(ids).size, 3, `distinct server ids: ${ids.join(' ')}`);
  t.equal((await sql('masterdb1', 'SELECT @@read_only')).trim(), '0', 'the primary takes writes');
});

t.test('the application user writes on the primary over the network; the row reaches every replica', async (t) => {
  const token = `row-${Date.now()}`;
  const client = (host: string, target: string, query: string) =>
    suite.fleet.exec(
      host,
      ['mariadb', '--batch', '--skip-column-names', '-h', target, '-u', 'platform', 'platform', '-e', query],
      { env: { MYSQL_PWD: APP_PASSWORD }, reject: false },
    );
  const write = await client(
    'db1',
    addr('masterdb1'),
    `CREATE TABLE IF NOT EXISTS probe (v VARCHAR(64) PRIMARY KEY); INSERT INTO probe VALUES ('${token}')`,
  );
  t.equal(write.exitCode, 0, write.stderr);
  for (const h of REPLICAS)
    t.equal(await eventually(h, `SELECT v FROM platform.probe WHERE v = '${token}'`, token), token, `${h} has the row`);
  const read = await client('masterdb1', addr('db2'), `SELECT v FROM probe WHERE v = '${token}'`);
  t.equal(read.stdout.trim(), token, 'the application user reads on a replica');
  const refused = await client('masterdb1', addr('db2'), `INSERT INTO probe VALUES ('x-${token}')`);
  t.not(refused.exitCode, 0);
  t.match(refused.stderr, /read-only/, "a replica refuses the application's writes");
  const wrong = await suite.fleet.exec(
    'db1',
    ['mariadb', '-h', addr('masterdb1'), '-u', 'platform', '-e', 'SELECT 1'],
    { env: { MYSQL_PWD: 'wrong' }, reject: false },
  );
  t.match(wrong.stderr, /Access denied/, 'a wrong password is refused');
});

t.test('the servers listen on their private address only', async (t) => {
  for (const h of HOSTS) {
    const listen = (await sh(suite.fleet, h, "ss -Hltn 'sport = :3306' | awk '{print $4}'")).trim();
    t.equal(listen, `${addr(h)}:3306`, h);
  }
});

t.test('the passwords reached the servers but not the output or the job store', async (t) => {
  const script = await sh(
    suite.fleet,
    'db1',
    'cat /etc/mysql/halite/replica.sql; stat -c %a /etc/mysql/halite/replica.sql',
  );
  t.ok(script.includes(REPL_PASSWORD), 'the replica is configured with it');
  t.match(script, /\n600\n$/, 'in a root-only file');
  const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
  t.notOk(
    r.out.includes(REPL_PASSWORD) || r.out.includes(APP_PASSWORD) || r.err.includes(APP_PASSWORD),
    'not in the output',
  );
  const files = readdirSync(suite.ws.dir)
    .filter((f) => f.startsWith('jobs.sqlite'))
    .map((f) => readFileSync(join(suite.ws.dir, f)));
  t.notOk(
    files.some((b) => b.includes(REPL_PASSWORD) || b.includes(APP_PASSWORD)),
    'in no job store file',
  );
});

t.test(
  'a replica destroyed and replaced by a fresh VM at a new address rejoins replication on its first highstate',
  async (t) => {
    const before = `before-${Date.now()}`;
    await sql('masterdb1', `INSERT INTO platform.probe VALUES ('${before}')`);
    const old = addr('db1');
    const fresh = addr('db3');
    await suite.fleet.destroy('db1');
    // the operator points the roster's db1 at the new VM and pins its host key
    const roster = parse(readFileSync(suite.ws.roster, 'utf8'));
    roster.db1.host = fresh;
    writeFileSync(suite.ws.roster, stringify(roster));
    const accept = await suite.halite('hosts', 'accept', 'db1', '--yes');
    t.equal(accept.code, 0, accept.err);

    const r = await suite.halite('highstate', '--level', 'staging', '--out', 'json');
    const doc = parseHighstate(r);
    t.same(failures(doc), []);
    t.equal(r.code, 0, r.err);
    t.ok(
      changedTags(doc, 'db1').some((tag) => tag.startsWith('cmd_|-mariadb-replica-apply_|-')),
      'the new db1 set up replication',
    );
    const status = await sh(suite.fleet, 'db3', 'mariadb -e "SHOW SLAVE STATUS\\G"');
    t.match(status, new RegExp(`Master_Host: ${addr('masterdb1').replace(/\./g, '\\.')}\\n`));
    t.match(status, /Slave_IO_Running: Yes\n/);
    t.match(status, /Slave_SQL_Running: Yes\n/);
    t.equal(
      await eventually('db3', `SELECT v FROM platform.probe WHERE v = '${before}'`, before),
      before,
      'it has the rows written before it existed',
    );
    const after = `after-${Date.now()}`;
    await sql('masterdb1', `INSERT INTO platform.probe VALUES ('${after}')`);
    t.equal(
      await eventually('db3', `SELECT v FROM platform.probe WHERE v = '${after}'`, after),
      after,
      'and a row written on masterdb now',
    );
    t.equal((await sql('db3', 'SELECT @@read_only')).trim(), '1', 'read-only');

    // the peers learn the new address from the inventory once the new db1 has reported it
    const next = parseHighstate(await suite.halite('highstate', '--level', 'staging', '--out', 'json'));
    t.same(failures(next), []);
    for (const h of ['masterdb1', 'db2']) {
      t.same(
        changedTags(next, h),
        ['host_|-hosts-db1_|-db1_|-present'],
        `${h}: only db1's entry in /etc/hosts changed`,
      );
      const hosts = await sh(suite.fleet, h, 'cat /etc/hosts');
      t.match(
        hosts,
        new RegExp(`^${fresh.replace(/\./g, '\\.')}\\s.*\\bdb1\\b`, 'm'),
        `${h}: db1 is at its new address`,
      );
      t.notMatch(hosts, new RegExp(`^${old.replace(/\./g, '\\.')}\\s`, 'm'), `${h}: the old address is gone`);
    }
    t.same(changedTags(next, 'db1'), [], 'the new db1 changes nothing');
    await secondRunChangesNothing(t, () => suite.halite('highstate', '--level', 'staging', '--out', 'json'), HOSTS);
  },
);
