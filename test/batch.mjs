// Runs several test files in one process: a batch (test/run-all.mjs writes its entry, which calls
// runBatch). Each file runs in a subtest named by its path, one after the other, so a failure names
// the file and its test. In the batch, `import t from 'tap'` in a test file or a test helper gives
// this module (batch-hooks.mjs resolves 'tap' here), whose `t` is the subtest of the file running
// now: a file's tests, plan, before/beforeEach hooks and teardowns belong to that file as they
// belong to the process when it runs alone. Only the default export is provided: a named import
// from 'tap' fails loudly instead of reaching past its file.
import tap from 'tap';
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The subtest of the file running now; none outside runBatch. */
let current;

const owner = () => current ?? tap;

/** The `t` of the file running now (tap's own `t` outside a batch's files). */
export default new Proxy(
  {},
  {
    get(_, key) {
      const t = owner();
      const value = Reflect.get(t, key);
      return typeof value === 'function' ? value.bind(t) : value;
    },
    set: (_, key, value) => Reflect.set(owner(), key, value),
    has: (_, key) => Reflect.has(owner(), key),
  },
);

/**
 * Runs `files` (paths relative to `root`) one after the other, each in its own subtest named by
 * its path; a file that fails to load fails its subtest, and the next file still runs.
 */
export async function runBatch(root, files) {
  register('./batch-hooks.mjs', import.meta.url);
  for (const file of files) {
    await tap.test(file, async (t) => {
      current = t;
      await import(pathToFileURL(join(root, file)).href);
    });
    current = undefined;
  }
}
