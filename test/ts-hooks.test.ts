// How the tests run TypeScript (ts-hooks.mjs, registered for every test file): the JavaScript of a
// module follows its current content, stack traces name the .ts lines, and a syntax error names
// the file and line.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeTree } from './tree.ts';

const dir = writeTree({}, 'halite-ts-hooks-');
let version = 0;
/** Imports `text` written to `name` (a fresh module instance each time). */
async function load(name: string, text: string): Promise<Record<string, unknown>> {
  writeFileSync(join(dir, name), text);
  return (await import(`${pathToFileURL(join(dir, name)).href}?v=${++version}`)) as Record<string, unknown>;
}

t.test('types are stripped; enums, parameter properties and class fields work', async (t) => {
  const m = await load(
    'a.ts',
    [
      'export enum Color { Red = 1, Green }',
      'export class Box { readonly tag = "box"; constructor(public size: number) {} }',
      'const n: number = Color.Green;',
      'export const answer = n satisfies number;',
      'export const box = new Box(3 as number);',
    ].join('\n'),
  );
  t.equal(m.answer, 2);
  t.match(m.box, { tag: 'box', size: 3 });
});

t.test('the same path with new content is transformed again', async (t) => {
  t.equal((await load('b.ts', 'export const v: string = "one";\n')).v, 'one');
  t.equal((await load('b.ts', 'export const v: string = "two";\n')).v, 'two');
});

t.test('stack traces name the lines of the .ts file', async (t) => {
  const m = await load(
    'c.ts',
    'type X = { a: number };\n\n\nexport function boom(x: X): never {\n  throw new Error(`boom ${x.a}`);\n}\n',
  );
  const err = (() => {
    try {
      (m.boom as (x: { a: number }) => never)({ a: 1 });
    } catch (e) {
      return e as Error;
    }
  })();
  t.match(err?.stack, /c\.ts:5:\d+/);
});

t.test('a syntax error names the file and line', async (t) => {
  await t.rejects(load('d.ts', 'export const ok = 1;\nexport const bad: = 2;\n'), /d\.ts:2:\d+/);
});
