// The master's own Node binary for --bootstrap: size and sha256 read from the file, streaming,
// once per process for process.execPath.
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterNode } from '../../../master/push/master-node.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-master-node-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('a file: its size, sha256 and the machine type', async (t) => {
  const file = join(dir, 'node');
  const body = Buffer.alloc(3 * 65536 + 17, 7); // several read chunks
  writeFileSync(file, body);
  const n = await masterNode(file);
  t.same(n, {
    path: file,
    bytes: body.length,
    sha256: createHash('sha256').update(body).digest('hex'),
    machine: arch() === 'x64' ? 'x86_64' : n.machine,
  });
  await t.rejects(masterNode(join(dir, 'missing')), { code: 'ENOENT' });
});

t.test('the running Node is hashed once per process', async (t) => {
  const first = masterNode();
  t.equal(masterNode(), first, 'the same pending hash');
  const n = await first;
  t.equal(n.path, process.execPath);
  t.equal(n.bytes, statSync(process.execPath).size);
  t.equal(n.sha256, createHash('sha256').update(readFileSync(process.execPath)).digest('hex'));
});
