// PEP 440 ordering and specifiers, as pip applies them to pip.installed's requirements
// (Salt's pip state compares with packaging's parse_version: salt/states/pip_state.py _pep440_version_cmp).
import t from 'tap';
import { compareVersions, parseSpecifiers, satisfiesAll } from '../../../agent/util/pep440.ts';

t.test('ordering', async (t) => {
  const ascending = [
    '0.9',
    '1.0.dev1',
    '1.0a1.dev1',
    '1.0a1',
    '1.0a2',
    '1.0b1',
    '1.0rc1',
    '1.0',
    '1.0+local.1',
    '1.0.post1.dev1',
    '1.0.post1',
    '1.0.1',
    '1.1',
    '1!0.1',
  ];
  for (let i = 0; i + 1 < ascending.length; i++)
    t.equal(compareVersions(ascending[i], ascending[i + 1]), -1, `${ascending[i]} < ${ascending[i + 1]}`);
  t.equal(compareVersions('1.0', '1.0.0'), 0, 'trailing zeros are equal');
  t.equal(compareVersions('1.0-1', '1.0.post1'), 0, 'implicit post release');
  t.equal(compareVersions('1.0RC1', '1.0rc1'), 0, 'case-insensitive');
});

const CASES: Array<[string, string, boolean]> = [
  ['1.6', '>=1.6, <=1.7', true],
  ['1.7.1', '>=1.6, <=1.7', false],
  ['2.31.0', '==2.31.0', true],
  ['2.31.0', '==2.31', true],
  ['1.4.5', '~=1.4.2', true],
  ['1.5.0', '~=1.4.2', false],
  ['1.9', '~=1.4', true],
  ['2.0', '~=1.4', false],
  ['1.4.9', '==1.4.*', true],
  ['1.5', '==1.4.*', false],
  ['1.5', '!=1.4.*', true],
  ['2.0rc1', '<2.0', false],
  ['1.9', '<2.0', true],
  ['2.0.post1', '>2.0', false],
  ['2.0.1', '>2.0', true],
  ['1.0+abc', '==1.0', true],
  ['1.0+abc', '==1.0+def', false],
  ['foo-bar', '===foo-bar', true],
  ['1.3', '!=1.3', false],
];

t.test('specifiers', async (t) => {
  for (const [version, spec, want] of CASES) {
    const specs = parseSpecifiers(spec);
    t.ok(specs, `${spec} parses`);
    t.equal(satisfiesAll(version, specs ?? []), want, `${version} ${want ? 'meets' : 'misses'} ${spec}`);
  }
  t.equal(parseSpecifiers('=1.0'), undefined, "'=' is not an operator");
  t.equal(parseSpecifiers('>=1.*'), undefined, 'a wildcard only with == and !=');
  t.same(parseSpecifiers(''), [], 'no specifier');
});
