// Debian version ordering and Salt version specifications.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { compareVersions, parseSpec, satisfies, specText } from '../../../../agent/backends/dpkg.ts';

const ORDERED = [
  '0.9',
  '1.0~rc1',
  '1.0~rc1-1',
  '1.0',
  '1.0-1',
  '1.0-1+b1',
  '1.0-1+deb12u1',
  '1.0-2',
  '1.0a',
  '1.0.1',
  '1.00.2',
  '1.2',
  '1.10',
  '5.2.15-2+b8',
  '5.2.15-2+b13',
  '1:0.1',
  '2:0.0.1',
];

t.test('compareVersions orders like dpkg', async (t) => {
  for (let i = 0; i + 1 < ORDERED.length; i++) {
    t.ok(compareVersions(ORDERED[i], ORDERED[i + 1]) < 0, `${ORDERED[i]} < ${ORDERED[i + 1]}`);
    t.ok(compareVersions(ORDERED[i + 1], ORDERED[i]) > 0, `${ORDERED[i + 1]} > ${ORDERED[i]}`);
  }
  t.equal(compareVersions('1.0', '1.0'), 0);
  t.equal(compareVersions('0:1.0', '1.0'), 0, 'epoch 0 is no epoch');
  t.equal(compareVersions('1.01', '1.1'), 0, 'leading zeros');
  t.equal(compareVersions('1.0', '1.0-0'), 0, 'no revision is revision 0');
  t.ok(compareVersions('1.0~~', '1.0~') < 0);
  t.ok(compareVersions('1.0~', '1.0') < 0);
  t.ok(compareVersions('1.0+', '1.0') > 0);
});

t.test('compareVersions agrees with dpkg --compare-versions', { skip: hasDpkg() ? false : 'no dpkg' }, async (t) => {
  const pairs: Array<[string, string]> = [
    ['1.0~rc1', '1.0'],
    ['1.0-1+b1', '1.0-1.1'],
    ['2.36-9+deb12u7', '2.36-9+deb12u14'],
    ['1:1.0', '2.0'],
    ['1.0a', '1.0+'],
    ['7.88.1-10+deb12u14', '7.88.1-10+deb12u5'],
  ];
  for (const [a, b] of pairs) {
    const lt = dpkgLt(a, b);
    t.equal(compareVersions(a, b) < 0, lt, `${a} vs ${b}`);
  }
});

t.test('parseSpec and satisfies', async (t) => {
  t.equal(parseSpec(''), undefined);
  t.equal(parseSpec(undefined), undefined);
  t.same(parseSpec('1.6.18-1'), { op: '==', version: '1.6.18-1', glob: false });
  t.same(parseSpec('=1.6'), { op: '==', version: '1.6', glob: false });
  t.same(parseSpec('>= 1.6'), { op: '>=', version: '1.6', glob: false });
  t.same(parseSpec('1.6.*'), { op: '==', version: '1.6.*', glob: true });
  const s = (x: string): NonNullable<ReturnType<typeof parseSpec>> =>
    parseSpec(x) as NonNullable<ReturnType<typeof parseSpec>>;
  t.ok(satisfies('1.6.18-1', s('1.6.*')));
  t.notOk(satisfies('1.7.0-1', s('1.6.*')));
  t.ok(satisfies('1.6.18-1', s('>=1.6')));
  t.notOk(satisfies('1.5', s('>=1.6')));
  t.ok(satisfies('1.5', s('<1.6')));
  t.ok(satisfies('1.6', s('<=1.6')));
  t.ok(satisfies('1.6.1', s('>1.6')));
  t.notOk(satisfies('1.6.18-1', s('1.6.18')), 'exact means exact');
  t.equal(specText(s('1.6')), '=1.6');
  t.equal(specText(s('>=1.6')), '>=1.6');
  t.equal(specText(undefined), '');
});

function hasDpkg(): boolean {
  try {
    execFileSync('dpkg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function dpkgLt(a: string, b: string): boolean {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'lt', b]);
    return true;
  } catch {
    return false;
  }
}
