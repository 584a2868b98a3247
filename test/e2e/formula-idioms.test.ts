// What published Salt formulas write, applied for real: a small tree in their style (a map.jinja
// merged with pillar, a stray `#}` in the text, salt['log.debug'], **kwargs, slsutil.serialize,
// cp.list_states, salt.user.info on the host, saltversioninfo, pkg.installed with version latest
// and runas, a require_in naming an SLS without states, listen) converges a VM through the jump
// box, and a second run changes nothing.
import t from 'tap';
import { changedTags, failures, parseHighstate, sh } from './platform-support.ts';
import { cliFor, fleetSuite, withStates } from './workspace.ts';

const suite = fleetSuite('e2e-formula-idioms', [{ id: 'memcache1', roles: ['memcache'], level: 'staging' }]);

const TREE: Record<string, string> = {
  'idioms/map.jinja': [
    "{%- set defaults = {'pkg': 'memcached', 'conf': '/etc/idioms/app.yaml', 'opts': {'default': 'unset'}} %}",
    "{%- set cfg = salt['slsutil.merge'](defaults, salt['pillar.get']('idioms', {})) %}",
  ].join('\n'),
  'idioms/init.sls': [
    '{#- the header formulas start with #}',
    "{%- from tpldir ~ '/map.jinja' import cfg with context %}",
    "{%- do salt['log.debug']('idioms map: ' ~ cfg | yaml(False)) %}",
    "{%- set port = salt['pillar.get']('idioms:port', **cfg.opts) %}",
    '   ## text that looks like the end of a comment #}',
    'include:',
    '  - idioms.glue',
    'idioms-pkg:',
    '  pkg.installed:',
    '    - name: {{ cfg.pkg }}',
    '    - version: latest',
    '    - runas: root',
    'idioms-conf:',
    '  file.managed:',
    '    - name: {{ cfg.conf }}',
    '    - makedirs: True',
    '    - contents: |',
    "        {{ salt['slsutil.serialize']('yaml', {'port': port, 'states': salt['cp.list_states']() | select('match', '^idioms') | list, 'new_salt': grains.saltversioninfo >= [3006]}, default_flow_style=False) | indent(8) }}",
    '    - require_in:',
    '      - sls: idioms.glue',
    'idioms-root-home:',
    '  file.managed:',
    '    - name: /etc/idioms/root-home',
    "    - contents: {{ salt.user.info('root').home }}",
    '    - require:',
    '      - file: idioms-conf',
    'idioms-service:',
    '  service.running:',
    '    - name: memcached',
    '    - require:',
    '      - pkg: idioms-pkg',
    '    - listen:',
    '      - file: idioms-conf',
  ].join('\n'),
  // only includes: an SLS with no states of its own, named by require_in above
  'idioms/glue.sls': 'include:\n  - idioms\n',
};

const LISTENER = 'service_|-listener_idioms-service_|-memcached_|-mod_watch';

t.test('the tree converges on the first run, with the listener fired once', async (t) => {
  const halite = cliFor(suite.ws, withStates(suite.ws, 'idioms', TREE));
  const r = await halite('sls', 'idioms', 'pillar={"idioms": {"port": 11311}}', '--host', 'memcache1', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.equal(r.code, 0, r.err);
  t.same(changedTags(doc, 'memcache1').sort(), [
    'file_|-idioms-conf_|-/etc/idioms/app.yaml_|-managed',
    'file_|-idioms-root-home_|-/etc/idioms/root-home_|-managed',
    'pkg_|-idioms-pkg_|-memcached_|-installed',
    'service_|-idioms-service_|-memcached_|-running',
    LISTENER,
  ]);
  t.equal(
    await sh(suite.fleet, 'memcache1', 'cat /etc/idioms/app.yaml'),
    'new_salt: true\nport: 11311\nstates:\n- idioms.glue\n- idioms\n',
  );
  t.equal(await sh(suite.fleet, 'memcache1', 'cat /etc/idioms/root-home'), '/root\n');
  t.match(await sh(suite.fleet, 'memcache1', "dpkg-query -W -f '${db:Status-Status}' memcached"), /^installed$/);
});

t.test('the second run changes nothing and fires no listener', async (t) => {
  const halite = cliFor(suite.ws, withStates(suite.ws, 'idioms', TREE));
  const r = await halite('sls', 'idioms', 'pillar={"idioms": {"port": 11311}}', '--host', 'memcache1', '--out', 'json');
  const doc = parseHighstate(r);
  t.same(failures(doc), []);
  t.same(changedTags(doc, 'memcache1'), []);
  t.notOk(Object.keys(doc.memcache1 ?? {}).includes(LISTENER), 'no listener result');
});
