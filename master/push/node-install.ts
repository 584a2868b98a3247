// `--bootstrap` on a host without a usable Node: Debian's `nodejs` when the host's packages offer
// one >= 18, else the master's own Node binary, streamed from disk only when the host asks for it
// (it keeps binaries by sha256, like agent bundles). Two execs at most, both before the job runs.
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { NO_NODE_PACKAGE_EXIT, type NeedNodeBinary, installNodeCommand, uploadNodeCommand } from './bootstrap.ts';
import { type MasterNode, masterNode } from './master-node.ts';
import { tail } from './failure.ts';
import type { ExecOptions, ExecResult } from '../transport/exec.ts';
import type { RemoteCommand } from '../transport/quote.ts';
import type { HostTarget } from '../transport/target.ts';

export interface NodeInstallTransport {
  exec(target: HostTarget, command: RemoteCommand, opts?: ExecOptions): Promise<ExecResult>;
}

export interface NodeInstallOptions {
  /** The binary shipped when the host's packages have none (default: the master's own). */
  masterNode?: () => Promise<MasterNode>;
  /** Where binaries go on the host (default /var/lib/halite/node). */
  nodeDir?: string;
  signal?: AbortSignal;
}

export interface NodeInstallResult {
  /** How the host got its Node: Debian's package, the master's binary, or that binary already there. */
  via?: 'package' | 'master-binary' | 'present';
  /** What failed, for the operator (undefined when Node is installed). */
  failure?: string;
  /** Bytes of the master's binary written to the host. */
  bytesSent: number;
}

function parseNeed(line: string): NeedNodeBinary | undefined {
  try {
    const v = JSON.parse(line) as Partial<NeedNodeBinary>;
    return v && v.type === 'need-node-binary' && typeof v.bytes === 'number' ? (v as NeedNodeBinary) : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the master's Node when the upload script asks for it; the file is streamed, never read whole. */
async function uploadMasterNode(
  transport: NodeInstallTransport,
  target: HostTarget,
  node: MasterNode,
  opts: NodeInstallOptions,
) {
  const stdin = new PassThrough();
  let buf = '';
  let asked: NeedNodeBinary | undefined;
  let file: ReturnType<typeof createReadStream> | undefined;
  const onStdout = (chunk: Buffer): void => {
    if (asked) return;
    buf += chunk.toString('utf8');
    for (let nl = buf.indexOf('\n'); nl >= 0 && !asked; nl = buf.indexOf('\n')) {
      const need = parseNeed(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (!need) continue;
      asked = need;
      // a size the master does not have ends the input: the script's checksum then refuses it
      if (need.bytes !== node.bytes) stdin.end();
      else {
        file = createReadStream(node.path).once('error', (err) => stdin.destroy(err));
        file.pipe(stdin);
      }
    }
  };
  try {
    const command = uploadNodeCommand({ ...node, ...(opts.nodeDir ? { nodeDir: opts.nodeDir } : {}) });
    const r = await transport.exec(target, command, {
      stdin,
      onStdout,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return { r, sent: asked?.bytes === node.bytes ? node.bytes : 0, asked: Boolean(asked) };
  } finally {
    // the host may have stopped reading early (a damaged transfer, a binary that does not run)
    file?.destroy();
    stdin.destroy();
  }
}

export async function installNode(
  transport: NodeInstallTransport,
  target: HostTarget,
  opts: NodeInstallOptions = {},
): Promise<NodeInstallResult> {
  const signal = opts.signal ? { signal: opts.signal } : {};
  const inst = await transport.exec(target, installNodeCommand(), signal);
  if (inst.code === 0) return { via: 'package', bytesSent: 0 };
  if (inst.code !== NO_NODE_PACKAGE_EXIT)
    return {
      failure: `installing Node.js failed (exit ${inst.code}):\n${tail(inst.stderr || inst.stdout)}`,
      bytesSent: 0,
    };
  const node = await (opts.masterNode ?? masterNode)();
  const up = await uploadMasterNode(transport, target, node, opts);
  if (up.r.code === 0) return { via: up.asked ? 'master-binary' : 'present', bytesSent: up.sent };
  return {
    failure: `${tail(inst.stderr).trim()}; sending the master's Node.js failed (exit ${up.r.code}):\n${tail(up.r.stderr || up.r.stdout)}`,
    bytesSent: up.sent,
  };
}
