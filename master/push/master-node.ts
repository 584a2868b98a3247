// The master's own Node binary, for VMs whose packages offer no Node >= 18 (`--bootstrap`): its
// path, size, sha256 (hashed once per process, streaming) and the machine type it runs on.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { arch } from 'node:os';

export interface MasterNode {
  path: string;
  bytes: number;
  sha256: string;
  /** `uname -m` name of the architecture. */
  machine: string;
}

const MACHINES: Record<string, string> = {
  x64: 'x86_64',
  arm64: 'aarch64',
  arm: 'armv7l',
  ppc64: 'ppc64le',
  s390x: 's390x',
};

let cached: Promise<MasterNode> | undefined;

export function masterNode(path = process.execPath): Promise<MasterNode> {
  if (path === process.execPath && cached) return cached;
  const p = new Promise<MasterNode>((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .once('error', reject)
      .once('end', () =>
        resolve({ path, bytes: statSync(path).size, sha256: hash.digest('hex'), machine: MACHINES[arch()] ?? arch() }),
      );
  });
  if (path === process.execPath) {
    cached = p;
    p.catch(() => {
      if (cached === p) cached = undefined; // a later bootstrap tries again
    });
  }
  return p;
}
