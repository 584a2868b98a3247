// Which secrets of the shipped private pillar each role's hosts receive: only those they use.
import t from 'tap';
import { join } from 'node:path';
import { FsTree } from '../../../agent/store/tree.ts';
import { compilePillar } from '../../../master/pillar/compile.ts';
import { REPO } from '../../shipped.ts';

function secretsOf(role: string): string[] {
  const r = compilePillar({
    tree: new FsTree(join(REPO, 'pillar')),
    privateTree: new FsTree(join(REPO, 'pillar-private')),
    grains: { id: `${role}1.staging`, level: 'staging', roles: [role] },
  });
  if (r.errors.length) throw new Error(JSON.stringify(r.errors));
  return r.secrets.paths
    .map((p) => p.join(':'))
    .filter((p) => !p.startsWith('admins'))
    .sort();
}

t.test('the app hosts get the database and Redis passwords, never the replication password', async (t) => {
  t.same(secretsOf('app'), ['mariadb:databases:platform:password', 'redis:password']);
});

t.test('the replicas get the replication password only; the primary both of its own', async (t) => {
  t.same(secretsOf('db'), ['mariadb:replication_password']);
  t.same(secretsOf('masterdb'), ['mariadb:databases:platform:password', 'mariadb:replication_password']);
});

t.test("sessions get Redis's password, mail the signing key, memcache nothing", async (t) => {
  t.same(secretsOf('sessions'), ['redis:password']);
  t.same(secretsOf('mail'), ['opendkim:private_key']);
  t.same(secretsOf('memcache'), []);
});
