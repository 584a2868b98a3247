// Salt's core grains on a real VM: what the agent computes there (seen by a template on the host)
// and what the master keeps of it (`halite show grains`) after a run.
import t from 'tap';
import { cliFor, fleetSuite, withStates } from './workspace.ts';

const HOST = 'grains1';
const suite = fleetSuite('grains-roster-x', [{ id: HOST, roles: [], level: 'staging' }]);

const CORE = [
  'ip_interfaces',
  'ip4_interfaces',
  'ip6_interfaces',
  'hwaddr_interfaces',
  'fqdn_ip4',
  'fqdn_ip6',
  'domain',
  'lsb_distrib_id',
  'lsb_distrib_release',
  'lsb_distrib_codename',
  'osarch',
  'mem_total',
  'virtual',
  'pythonversion',
  'saltversion',
  'saltversioninfo',
];

t.test("the VM's core grains, on the host and on the master", async (t) => {
  const config = withStates(suite.ws, 'grains', {
    'coregrains.sls': [
      'core grains:',
      '  file.managed:',
      '    - name: /root/core-grains.json',
      '    - contents: {{ grains | json | yaml_dquote }}',
      '',
    ].join('\n'),
  });
  const halite = cliFor(suite.ws, config);
  const r = await halite('sls', 'coregrains', '--host', HOST, '--out', 'json');
  t.equal(r.code, 0, r.err);
  const onHost = JSON.parse((await suite.fleet.exec(HOST, ['cat', '/root/core-grains.json'])).stdout) as Record<
    string,
    unknown
  >;
  for (const k of CORE) t.ok(k in onHost, `${k} on the host`);

  // the VM's own address on its interface, loopback listed too, a MAC for each
  const address = suite.fleet.hosts.find((h) => h.id === HOST)!.address;
  const v4 = onHost.ip4_interfaces as Record<string, string[]>;
  t.same(v4.lo, ['127.0.0.1']);
  t.ok(
    Object.values(v4).some((l) => l.includes(address)),
    `${address} on an interface`,
  );
  const hw = onHost.hwaddr_interfaces as Record<string, string>;
  t.equal(hw.lo, '00:00:00:00:00:00');
  t.ok(
    Object.entries(hw).every(([, mac]) => /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)),
    'link addresses',
  );
  t.match(onHost, {
    lsb_distrib_id: 'Debian GNU/Linux',
    lsb_distrib_release: '12',
    lsb_distrib_codename: 'bookworm',
    osarch: 'amd64',
    saltversion: '3008.0',
    saltversioninfo: [3008, 0],
    pythonversion: [3, 11, Number, 'final', 0],
    domain: '',
  });
  t.ok((onHost.mem_total as number) > 0, 'mem_total in MiB');
  t.type(onHost.virtual, 'string');
  t.ok((onHost.fqdn_ip4 as string[]).length > 0, 'the host name resolves (/etc/hosts)');
  t.notOk('lsb_distrib_description' in onHost, 'none on Debian, as in Salt');

  // the master kept what the host reported, checked
  const shown = await halite('show', 'grains', '--host', HOST, '--out', 'json');
  t.equal(shown.code, 0, shown.err);
  const master = JSON.parse(shown.out) as Record<string, unknown>;
  for (const k of CORE) t.same(master[k], onHost[k], `${k} reported to the master as computed`);
  t.comment(`virtual on a namespace VM: ${JSON.stringify(master.virtual)} ${JSON.stringify(master.virtual_subtype)}`);
});
