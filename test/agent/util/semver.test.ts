// npm ranges as npm.installed matches installed versions against them (docs.npmjs.com semver).
import t from 'tap';
import { satisfiesRange } from '../../../agent/util/semver.ts';

const CASES: Array<[string, string, boolean | undefined]> = [
  ['1.0.1', '1.0.1', true],
  ['1.0.2', '1.0.1', false],
  ['4.18.2', '^4.18.0', true],
  ['5.0.0', '^4.18.0', false],
  ['0.2.5', '^0.2.3', true],
  ['0.3.0', '^0.2.3', false],
  ['0.0.4', '^0.0.3', false],
  ['1.2.9', '~1.2', true],
  ['1.3.0', '~1.2', false],
  ['1.2.4', '~1.2.3', true],
  ['1.9.0', '1.x', true],
  ['2.0.0', '1.x', false],
  ['3.1.4', '*', true],
  ['1.5.0', '>=1.0.0 <2.0.0', true],
  ['2.0.0', '>=1.0.0 <2.0.0', false],
  ['1.4.0', '1.0.0 - 1.4.0', true],
  ['1.4.1', '1.0.0 - 1.4.0', false],
  ['1.4.9', '1.0 - 1.4', true],
  ['3.0.0', '^1.0.0 || ^3.0.0', true],
  ['2.0.0', '^1.0.0 || ^3.0.0', false],
  ['2.0.0-rc.1', '<2.0.0', true],
  ['2.0.0-rc.1', '>=2.0.0', false],
  ['1.0.0', 'latest', undefined],
  ['1.0.0', 'next', undefined],
];

t.test('ranges', async (t) => {
  for (const [version, range, want] of CASES)
    t.equal(satisfiesRange(version, range), want, `${version} in ${range}: ${want}`);
});
