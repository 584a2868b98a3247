// dpkg's status file read directly gives what `dpkg-query -W` gives; with journal entries pending
// (an interrupted dpkg), the fact asks dpkg-query instead.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DPKG_QUERY_FORMAT, dpkgFact, parseDpkgQuery, statusFileToQuery } from '../../../agent/facts/dpkg.ts';
import type { RunResult } from '../../../agent/process/run.ts';

const STATUS = `Package: bash
Essential: yes
Status: install ok installed
Priority: required
Architecture: amd64
Version: 5.2.15-2+b2
Description: GNU Bourne Again SHell
 Bash is an sh-compatible command language interpreter.
 .
 Status: not a field

Package: libfoo1
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: gone
Status: purge ok not-installed
Architecture: amd64
`;

t.test('the status file as dpkg-query lines', async (t) => {
  const text = statusFileToQuery(STATUS);
  t.equal(
    text,
    'bash\t5.2.15-2+b2\tinstall ok installed\tamd64\nlibfoo1\t1.0-1\tdeinstall ok config-files\tamd64\ngone\t\tpurge ok not-installed\tamd64\n',
  );
  const db = parseDpkgQuery(text);
  t.equal(db.installed.get('bash')?.version, '5.2.15-2+b2');
  t.ok(db.configFiles.has('libfoo1'));
  t.notOk(db.installed.has('gone'));
});

t.test(
  'this machine: the file and dpkg-query agree',
  { skip: !existsSync('/var/lib/dpkg/status') && 'no dpkg here' },
  async (t) => {
    const query = execFileSync('dpkg-query', ['-W', `-f=${DPKG_QUERY_FORMAT}`], { encoding: 'utf8' });
    const { readFileSync } = await import('node:fs');
    const file = statusFileToQuery(readFileSync('/var/lib/dpkg/status', 'utf8'));
    t.same(file.split('\n').sort(), query.split('\n').sort());
  },
);

t.test('the fact reads the file, or asks dpkg-query while journal entries are pending', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'halite-dpkg-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'var/lib/dpkg/updates'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), STATUS);
  const calls: string[][] = [];
  const run = async (argv: readonly string[]): Promise<RunResult> => {
    calls.push([...argv]);
    return { code: 0, stdout: 'bash\t9.9\tinstall ok installed\tamd64\n', stderr: '' } as RunResult;
  };
  const env = { root, run } as unknown as Parameters<typeof dpkgFact.gather>[1];
  t.match(await dpkgFact.gather('', env), /^bash\t5\.2\.15-2\+b2\t/, 'from the file');
  t.same(calls, [], 'no command run');
  writeFileSync(join(root, 'var/lib/dpkg/updates/0001'), 'Package: bash\nStatus: install ok half-configured\n');
  t.match(await dpkgFact.gather('', env), /^bash\t9\.9\t/, 'from dpkg-query');
  t.match(calls[0]?.join(' '), /^dpkg-query --admindir=.*\/var\/lib\/dpkg -W/);
});
