import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MAX_SLOTS, planFleet } from './plan.ts';

t.test('slot 0: master and jump share one subnet, role hosts another', async (t) => {
  const p = planFleet('demo', 0, [{ id: 'web1', roles: ['app'], level: 'staging' }, { id: 'db1' }]);
  t.same(p.external, { subnet: '10.77.0.0/24', master: '10.77.0.1' });
  t.same(p.internal, { subnet: '10.77.1.0/24' });
  t.match(p.jump, {
    id: 'jump',
    kind: 'jump',
    address: '10.77.0.2',
    internalAddress: '10.77.1.1',
    netns: 'halite.demo.jump',
  });
  t.match(p.hosts[0], {
    id: 'web1',
    roles: ['app'],
    level: 'staging',
    address: '10.77.1.10',
    netns: 'halite.demo.web1',
  });
  t.match(p.hosts[1], { id: 'db1', roles: [], address: '10.77.1.11' });
  t.equal(p.switchNetns, 'halite.demo');
  t.equal(p.masterLink, 'hfleet0');
});

t.test('each slot has its own subnets and link', async (t) => {
  const p = planFleet('other', 5, [{ id: 'a' }]);
  t.equal(p.external.subnet, '10.77.10.0/24');
  t.equal(p.hosts[0].address, '10.77.11.10');
  t.equal(p.masterLink, 'hfleet5');
  t.ok(p.masterLink.length <= 15, 'fits a Linux interface name');
  t.equal(planFleet('x', 127, []).internal.subnet, '10.77.255.0/24');
});

t.test('invalid input is refused', async (t) => {
  t.throws(() => planFleet('Bad.Name', 0, []), /fleet name/);
  t.throws(() => planFleet('ok', 128, []), /slot 128/);
  t.throws(() => planFleet('ok', 0, [{ id: 'a' }, { id: 'a' }]), /"a" appears twice/);
  t.throws(() => planFleet('ok', 0, [{ id: 'jump' }]), /"jump" appears twice/);
  t.throws(() => planFleet('ok', 0, [{ id: 'has.dot' }]), /not a valid hostname/);
  t.throws(
    () =>
      planFleet(
        'ok',
        0,
        Array.from({ length: 241 }, (_, i) => ({ id: `h${i}` })),
      ),
    /at most 240/,
  );
  t.equal(planFleet('ok', 0, [{ id: 'bastion' }], 'gw').jump.id, 'gw');
});

t.test("the shipped example roster and configuration use no address of the fleet's range", async (t) => {
  const repo = join(import.meta.dirname, '..', '..');
  const roster = parse(readFileSync(join(repo, 'roster.yaml'), 'utf8')) as Record<string, { host: string }>;
  const config = parse(readFileSync(join(repo, 'halite.yaml'), 'utf8')) as { levels: Record<string, { jump: string }> };
  const addresses = [
    ...Object.values(roster).map((h) => h.host),
    ...Object.values(config.levels).map((l) => l.jump.replace(/^.*@/, '').replace(/:\d+$/, '')),
  ];
  t.ok(addresses.length > 20);
  // every slot's subnets: 10.77.(2k).0/24 and 10.77.(2k+1).0/24
  const fleet = new Set(
    Array.from({ length: MAX_SLOTS }, (_, k) => planFleet('x', k, []))
      .flatMap((p) => [p.external.subnet, p.internal.subnet])
      .map((s) => s.replace(/\.0\/24$/, '.')),
  );
  t.same(
    addresses.filter((a) => fleet.has(a.replace(/\d+$/, ''))),
    [],
  );
});
