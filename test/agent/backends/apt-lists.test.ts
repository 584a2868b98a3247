// When package lists count as stale: newer sources than both the lists and the last refresh.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UPDATE_STAMP, ensureLists, listsStale } from '../../../agent/backends/apt.ts';
import { FactCache } from '../../../agent/facts/cache.ts';
import type { RunResult } from '../../../agent/process/run.ts';

const root = mkdtempSync(join(tmpdir(), 'halite-apt-lists-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const at = (path: string, secondsAgo: number): void => {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, when, when);
};
mkdirSync(join(root, 'etc/apt/sources.list.d'), { recursive: true });
mkdirSync(join(root, 'var/lib/apt/lists'), { recursive: true });
const sources = join(root, 'etc/apt/sources.list.d/local.list');
const lists = join(root, 'var/lib/apt/lists/local_._Packages');

t.test('missing lists, old lists, and a refresh that left the lists untouched', async (t) => {
  writeFileSync(sources, 'deb file:/srv/repo ./\n');
  t.ok(await listsStale(root), 'no lists at all');
  writeFileSync(lists, '');
  at(lists, 100);
  at(join(root, 'var/lib/apt/lists'), 100);
  at(sources, 50);
  t.ok(await listsStale(root), 'sources newer than the lists');

  let updates = 0;
  const run = async (): Promise<RunResult> => {
    updates++;
    return { code: 0, stdout: '', stderr: '' } as RunResult;
  };
  const facts = new FactCache({ root, run });
  t.equal(await ensureLists(facts, root, false), undefined);
  t.equal(updates, 1, 'apt-get update ran');
  at(lists, 100); // apt found nothing new and kept the old files
  t.notOk(await listsStale(root), 'the refresh stamp counts');
  t.notOk(await ensureLists(new FactCache({ root, run }), root, false));
  t.equal(updates, 1, 'no second update in the next run');
  at(join(root, UPDATE_STAMP), 100);
  t.ok(await listsStale(root), 'a source changed after the last refresh');
});

t.test("an update that kept the repository's file times still counts", async (t) => {
  mkdirSync(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
  at(lists, 100);
  at(join(root, UPDATE_STAMP), 100);
  at(sources, 50);
  at(join(root, 'var/lib/apt/lists'), 100);
  at(join(root, 'var/lib/apt/lists/partial'), 100);
  t.ok(await listsStale(root));
  at(join(root, 'var/lib/apt/lists/partial'), 10); // apt-get update ran after the sources changed
  t.notOk(await listsStale(root));
});

t.test('cache_valid_time: a refresh is skipped while the lists directory is younger than it', async (t) => {
  let updates = 0;
  const run = async (): Promise<RunResult> => {
    updates++;
    return { code: 0, stdout: '', stderr: '' } as RunResult;
  };
  at(join(root, 'var/lib/apt/lists'), 600);
  t.equal(await ensureLists(new FactCache({ root, run }), root, true, 3600), undefined);
  t.equal(updates, 0, 'refresh asked for, but the lists were updated 10 minutes ago');
  t.equal(await ensureLists(new FactCache({ root, run }), root, true, 300), undefined);
  t.equal(updates, 1, 'older than cache_valid_time: updated');
  at(join(root, 'var/lib/apt/lists'), 600);
  t.equal(await ensureLists(new FactCache({ root, run }), root, true), undefined);
  t.equal(updates, 2, 'without cache_valid_time, refresh always updates');
});
