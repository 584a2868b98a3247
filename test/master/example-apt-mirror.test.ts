// The shipped `apt` formula against an inventory: every host but the sources hosts names the first
// sources host of its level as its only apt source, once that host has run; the repositories of a
// Debian mirror (the formula's defaults) each get their source; without a sources host nothing is
// managed.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileHighstate } from '../../agent/compile/highstate.ts';
import type { InventoryHost } from '../../agent/protocol.ts';
import { FsTree } from '../../agent/store/tree.ts';
import { REPO } from '../shipped.ts';

const tree = new FsTree(join(REPO, 'states'));
const inventory: InventoryHost[] = [
  { id: 'sources1', level: 'staging', roles: ['sources'], addresses: ['10.77.1.10'] },
  { id: 'sources2', level: 'staging', roles: ['sources'], addresses: ['10.77.1.11'] },
  { id: 'sources9', level: 'production', roles: ['sources'], addresses: ['10.77.2.10'] },
  { id: 'memcache1', level: 'staging', roles: ['memcache'], addresses: ['10.77.1.20'] },
];

/** The shipped pillar/apt.sls (the test fleet's flat, unsigned repository). */
const FLEET = parse(readFileSync(join(REPO, 'pillar/apt.sls'), 'utf8')) as Record<string, unknown>;

function aptSources(
  id: string,
  roles: string[],
  inv: InventoryHost[],
  pillar: Record<string, unknown> = FLEET,
): [string, unknown][] {
  const out = compileHighstate({
    tree,
    sls: ['apt'],
    ctx: { grains: { id, level: 'staging', roles }, pillar, saltenv: 'base', inventory: inv },
  });
  if (out.errors.length) throw new Error(`${id}: ${JSON.stringify(out.errors)}`);
  return out.chunks.map((c) => [`${c.state}.${c.fun} ${c.name}`, c.args]);
}

t.test('a host of a level with a sources host: the mirror alone, in sources.list', async (t) => {
  t.same(aptSources('memcache1', ['memcache'], inventory), [
    [
      'pkgrepo.managed deb [trusted=yes] http://10.77.1.10/debian ./',
      { file: '/etc/apt/sources.list', clean_file: true },
    ],
  ]);
});

t.test('the sources hosts keep their own sources; a level whose sources host has not run keeps working', async (t) => {
  t.same(aptSources('sources2', ['sources'], inventory), []);
  t.same(
    aptSources(
      'memcache1',
      ['memcache'],
      inventory.filter((h) => h.level !== 'staging' || !h.roles.includes('sources')),
    ),
    [],
    "a production sources host is not this level's",
  );
  t.same(
    aptSources('memcache1', ['memcache'], [{ id: 'sources1', level: 'staging', roles: ['sources'], addresses: [] }]),
    [],
    'one that never reported is not used',
  );
});

t.test("the defaults: a mirror of Debian 12, each suite its source, checked with Debian's keyring", async (t) => {
  const signed = '[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]';
  t.same(aptSources('memcache1', ['memcache'], inventory, {}), [
    [
      `pkgrepo.managed deb ${signed} http://10.77.1.10/debian bookworm main`,
      { file: '/etc/apt/sources.list', clean_file: true },
    ],
    [
      `pkgrepo.managed deb ${signed} http://10.77.1.10/debian bookworm-updates main`,
      { file: '/etc/apt/sources.list.d/mirror-debian-bookworm-updates.list', clean_file: true },
    ],
    [
      `pkgrepo.managed deb ${signed} http://10.77.1.10/debian-security bookworm-security main`,
      { file: '/etc/apt/sources.list.d/mirror-debian-security-bookworm-security.list', clean_file: true },
    ],
  ]);
});
