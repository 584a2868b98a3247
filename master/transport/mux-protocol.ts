// The wire format between halite commands and the connection keeper (mux-server.ts) on the
// master: one unix-socket connection per remote command. The keeper speaks first with a hello
// frame naming its protocol version and build; a client of another build leaves before sending
// anything (and the keeper refuses a request of another build). Otherwise the client sends one JSON
// request line, then the command's standard input, then ends its side. The keeper answers with
// frames: a type byte, a 4-byte big-endian length, the payload.
import type { TransportErrorData } from './errors.ts';
import type { RemoteCommand } from './quote.ts';
import type { HostTarget } from './target.ts';

/** Changes whenever a request or frame changes meaning; a keeper of another version is not used. */
export const MUX_VERSION = 3;

/** The keeper's first frame on every connection. */
export interface MuxHello {
  v: number;
  /** The keeper's build (build-id.ts): a client of another build does not use it. */
  build: string;
}

/**
 * The client identity a keeper checks its connections against: key and known-hosts files, the
 * key's passphrase and the ssh-agent socket (the request travels on a socket only its user reaches).
 */
export interface MuxProfile {
  key?: string;
  passphrase?: string;
  agent?: string;
  knownHosts: string;
  connectTimeoutMs: number;
  /** Also accept SHA-1 `ssh-rsa` host keys (`ssh.allow_sha1`). */
  allowSha1?: boolean;
}

interface MuxRequestBase {
  v: number;
  /** The client's build: the keeper serves only its own. */
  build: string;
  persistSec: number;
  profile: MuxProfile;
  target: HostTarget;
}

export type MuxRequest =
  | (MuxRequestBase & { op: 'connect' })
  | (MuxRequestBase & { op: 'exec'; command: RemoteCommand; timeoutMs?: number })
  | (MuxRequestBase & { op: 'socket-or-exec'; socket: string; command: RemoteCommand; timeoutMs?: number });

export const FRAME = {
  /** JSON MuxHello: the keeper's first frame. */
  hello: 0x48, // 'H'
  stdout: 0x4f, // 'O'
  stderr: 0x45, // 'E'
  /** JSON MuxResult: the command ended. */
  result: 0x52, // 'R'
  /** JSON TransportErrorData: the command failed in the transport. */
  failure: 0x46, // 'F'
} as const;

export interface MuxResult {
  code: number | null;
  signal?: string;
  via?: 'socket' | 'exec';
}

export type MuxFrame =
  | { type: 'hello'; hello: MuxHello }
  | { type: 'stdout' | 'stderr'; data: Buffer }
  | { type: 'result'; result: MuxResult }
  | { type: 'failure'; error: TransportErrorData };

/** Longest request line accepted (a request carries a target, never a payload). */
export const MAX_REQUEST_BYTES = 64 * 1024;

export function encodeFrame(type: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const head = Buffer.allocUnsafe(5);
  head[0] = type;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

/** Splits a byte stream into frames; throws on a frame type it does not know. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): MuxFrame[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: MuxFrame[] = [];
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf.length < 5 + len) break;
      const type = this.buf[0];
      const body = this.buf.subarray(5, 5 + len);
      this.buf = this.buf.subarray(5 + len);
      frames.push(decode(type, Buffer.from(body)));
    }
    return frames;
  }

  /** Bytes of an unfinished frame. */
  get pending(): number {
    return this.buf.length;
  }
}

function decode(type: number, body: Buffer): MuxFrame {
  switch (type) {
    case FRAME.hello:
      return { type: 'hello', hello: JSON.parse(body.toString('utf8')) as MuxHello };
    case FRAME.stdout:
      return { type: 'stdout', data: body };
    case FRAME.stderr:
      return { type: 'stderr', data: body };
    case FRAME.result:
      return { type: 'result', result: JSON.parse(body.toString('utf8')) as MuxResult };
    case FRAME.failure:
      return { type: 'failure', error: JSON.parse(body.toString('utf8')) as TransportErrorData };
    default:
      throw new Error(`unknown frame type ${type}`);
  }
}

/** Whether `v` has the shape of a request (the keeper validates before acting on it). */
export function isMuxRequest(v: unknown): v is MuxRequest {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  const p = r.profile as Record<string, unknown> | undefined;
  const t = r.target as Record<string, unknown> | undefined;
  const command = (c: unknown): boolean =>
    typeof c === 'string' || (Array.isArray(c) && c.length > 0 && c.every((x) => typeof x === 'string'));
  if (
    typeof r.build !== 'string' ||
    typeof r.persistSec !== 'number' ||
    !p ||
    !['string', 'undefined'].includes(typeof p.key) ||
    !['string', 'undefined'].includes(typeof p.passphrase) ||
    !['string', 'undefined'].includes(typeof p.agent) ||
    (p.key === undefined && p.agent === undefined) ||
    typeof p.knownHosts !== 'string' ||
    typeof p.connectTimeoutMs !== 'number'
  )
    return false;
  if (
    !t ||
    typeof t.id !== 'string' ||
    typeof t.address !== 'string' ||
    typeof t.port !== 'number' ||
    typeof t.user !== 'string'
  )
    return false;
  if (r.op === 'connect') return true;
  if (r.op === 'exec') return command(r.command);
  if (r.op === 'socket-or-exec') return command(r.command) && typeof r.socket === 'string';
  return false;
}
