// Parsers and readers of the language package backends: pip's list and index output, gem's list
// and version requirements, pecl's list, and the package files states open to learn what they
// hold (an npm tarball's package.json, a .gem's metadata.gz, a PECL package's package.xml), built
// here with tar and gzip.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { canonicalName, parseIndexVersions, parsePipList, parseWouldInstall } from '../../../agent/backends/pip.ts';
import { compareGemVersions, gemFileSpec, meetsGemRequirement, parseGemList } from '../../../agent/backends/gem.ts';
import { parsePeclList, peclArchiveSpec } from '../../../agent/backends/pecl.ts';
import { parseNpmList, tarballManifest } from '../../../agent/backends/npm.ts';

t.test('pip output', async (t) => {
  const list = parsePipList('[{"name": "Django", "version": "4.2.7"}, {"name": "zope.interface", "version": "6.0"}]');
  t.same(list.get('django'), { name: 'Django', version: '4.2.7' });
  t.same(list.get(canonicalName('Zope_Interface')), { name: 'zope.interface', version: '6.0' });
  t.throws(() => parsePipList('WARNING: not json'), /no JSON/);
  t.same(parseIndexVersions('foo (1.1)\nAvailable versions: 1.1, 1.0\n  INSTALLED: 1.0'), ['1.1', '1.0']);
  t.same(parseWouldInstall('Collecting a\nWould install a-1.0 b-2.0'), ['a-1.0', 'b-2.0']);
  t.same(parseWouldInstall('Requirement already satisfied: a'), []);
});

t.test('gem list and versions', async (t) => {
  const gems = parseGemList(
    '\n*** LOCAL GEMS ***\n\nbundler (2.4.1, default: 2.3.7)\nnokogiri (1.15.4 x86_64-linux)\n',
  );
  t.same(gems.get('bundler'), ['2.4.1', '2.3.7']);
  t.same(gems.get('nokogiri'), ['1.15.4']);
  t.equal(compareGemVersions('1.0.a', '1.0'), -1, 'a letter makes a pre-release');
  t.equal(compareGemVersions('1.10', '1.9'), 1);
  t.equal(compareGemVersions('1.0', '1.0.0'), 0);
  const REQS: Array<[string, string, boolean]> = [
    ['1.4.2', '~> 1.0', true],
    ['2.0', '~> 1.0', false],
    ['2.2.5', '~> 2.2.0', true],
    ['2.3.0', '~> 2.2.0', false],
    ['1.5', '>= 1.0, < 2', true],
    ['2.0', '>= 1.0, < 2', false],
    ['1.0', '1.0', true],
    ['1.0', '!= 1.0', false],
  ];
  for (const [v, req, want] of REQS) t.equal(meetsGemRequirement(v, req), want, `${v} ${req}`);
});

t.test('pecl list', async (t) => {
  const out = parsePeclList(
    'Installed packages, channel pecl.php.net:\n=========================================\nPackage Version State\nredis   5.3.7   stable\nxdebug  3.3.0alpha3 alpha\n',
  );
  t.same([...out.keys()], ['redis', 'xdebug'], 'the title and header lines are not packages');
  t.same(out.get('xdebug'), { version: '3.3.0alpha3', state: 'alpha' });
  t.same(parsePeclList('(no packages installed from channel pecl.php.net)').size, 0);
});

t.test('npm ls output', async (t) => {
  const list = parseNpmList(
    '{"dependencies": {"a": {"version": "1.0.0", "resolved": "file:../a.tgz"}, "b": {"missing": true}}}',
  );
  t.same(list.get('a'), { version: '1.0.0', from: 'file:../a.tgz' });
  t.same(list.get('b'), {}, 'a missing dependency has no version');
  t.equal(parseNpmList('{}').size, 0);
});

t.test('package files: npm tarball and .gem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-pkgfiles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src', 'package'), { recursive: true });
  writeFileSync(join(dir, 'src', 'package', 'package.json'), '{"name": "@scope/left", "version": "1.2.3"}');
  execFileSync('tar', ['-czf', join(dir, 'left.tgz'), '-C', join(dir, 'src'), 'package']);
  t.same(tarballManifest(join(dir, 'left.tgz')), { name: '@scope/left', version: '1.2.3' });
  t.match(tarballManifest(join(dir, 'none.tgz')), { error: /cannot read/ });

  const spec = [
    '--- !ruby/object:Gem::Specification',
    'name: halitedemo',
    'version: !ruby/object:Gem::Version',
    '  version: 1.0.0',
    'platform: ruby',
    '',
  ].join('\n');
  mkdirSync(join(dir, 'gem'));
  writeFileSync(join(dir, 'gem', 'metadata.gz'), gzipSync(spec));
  writeFileSync(join(dir, 'gem', 'data.tar.gz'), gzipSync(Buffer.alloc(1024)));
  execFileSync('tar', ['-cf', join(dir, 'halitedemo-1.0.0.gem'), '-C', join(dir, 'gem'), 'metadata.gz', 'data.tar.gz']);
  t.same(gemFileSpec(join(dir, 'halitedemo-1.0.0.gem')), { name: 'halitedemo', version: '1.0.0' });
  t.match(gemFileSpec(join(dir, 'left.tgz')), { error: /./ }, 'not a gem');

  mkdirSync(join(dir, 'pecl', 'halitedemo-1.0.0'), { recursive: true });
  writeFileSync(
    join(dir, 'pecl', 'package.xml'),
    '<package version="2.0"><name>halitedemo</name><channel>pecl.php.net</channel>' +
      '<version><release>1.0.0</release><api>1.0.0</api></version></package>',
  );
  writeFileSync(join(dir, 'pecl', 'halitedemo-1.0.0', 'config.m4'), 'dnl\n');
  execFileSync('tar', ['-czf', join(dir, 'ext.tgz'), '-C', join(dir, 'pecl'), 'package.xml', 'halitedemo-1.0.0']);
  t.same(peclArchiveSpec(join(dir, 'ext.tgz')), { name: 'halitedemo', version: '1.0.0' });
  t.match(peclArchiveSpec(join(dir, 'left.tgz')), { error: /no package\.xml/ });
});
