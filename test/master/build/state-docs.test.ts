// docs/states/ is what the declarations generate: a declaration changed without `npm run
// docs:states` fails here, and the writer puts back exactly what the check expects.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staleStateDocs, writeStateDocs } from '../../../master/build/state-docs.ts';
import { referencePages } from '../../../agent/states/reference.ts';
import { modules } from '../../../agent/states/index.ts';

t.test('the committed pages are the generated ones (run npm run docs:states)', async (t) => {
  t.same(staleStateDocs(), []);
});

t.test('a page per module, each function with every declared argument', async (t) => {
  const pages = referencePages();
  t.same(
    Object.keys(pages).sort(),
    Object.keys(modules)
      .map((m) => `${m}.md`)
      .sort(),
  );
  for (const [mod, funs] of Object.entries(modules)) {
    for (const [fun, fn] of Object.entries(funs)) {
      t.match(pages[`${mod}.md`], `## ${mod}.${fun}\n\n${fn.doc}\n`);
      for (const arg of Object.keys(fn.args)) t.match(pages[`${mod}.md`], `\n| ${arg} | `, `${mod}.${fun} ${arg}`);
    }
  }
  t.match(pages['service.md'], '| init_delay | seconds |  |  | yes | ');
  t.match(pages['service.md'], '| unmask | bool | `false` |  | ignored: masked units are not unmasked | ');
});

t.test('a changed, missing or left-over page is found, and writing repairs it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'halite-state-docs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  t.same(staleStateDocs(dir).length, Object.keys(modules).length, 'all missing');
  writeStateDocs(dir);
  t.same(staleStateDocs(dir), []);
  writeFileSync(
    join(dir, 'sysctl.md'),
    readFileSync(join(dir, 'sysctl.md'), 'utf8').replace('| config | string', '| config | int'),
  );
  writeFileSync(join(dir, 'locale.md'), '# gone\n');
  rmSync(join(dir, 'pkg.md'));
  t.same(staleStateDocs(dir), ['locale.md', 'pkg.md', 'sysctl.md']);
  writeStateDocs(dir);
  t.same(staleStateDocs(dir), []);
});
