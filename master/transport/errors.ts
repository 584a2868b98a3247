// Transport faults: a HaliteError with code TRANSPORT, the kind of failure and the hop it happened on.
import { type ErrorData, HaliteError, errorData } from '../../agent/errors.ts';

export type TransportErrorKind =
  /** TCP connect or forwarding failed (refused, no route, DNS, timed out, jump host cannot reach it). */
  | 'unreachable'
  /** The server refused our key, or the key could not be read. */
  | 'auth'
  /** The host presented a key that is not in known-hosts. */
  | 'hostkey-unknown'
  /** The host presented a key different from the one pinned in known-hosts. */
  | 'hostkey-changed'
  /** The host presented a key marked @revoked in known-hosts. */
  | 'hostkey-revoked'
  /** A command did not finish in time. */
  | 'timeout'
  /** The caller aborted the operation. */
  | 'aborted'
  /** The connection dropped or the server broke the protocol. */
  | 'connection';

export interface TransportErrorData extends ErrorData {
  kind: TransportErrorKind;
  /** The hop that failed, as `user@address:port` (the jump host or the target). */
  hop?: string;
}

export class TransportError extends HaliteError {
  readonly kind: TransportErrorKind;
  readonly hop?: string;
  /** Set when the command was never started (its channel could not be opened): safe to try again. */
  notStarted?: boolean;

  constructor(data: Omit<TransportErrorData, 'code'>, options?: { cause?: unknown }) {
    super({ ...data, code: 'TRANSPORT' });
    this.name = 'TransportError';
    this.kind = data.kind;
    this.hop = data.hop;
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** The same error, attributed to roster host `id` (a shared jump host's failure reaches every host behind it). */
  forHost(id: string): TransportError {
    if (this.host === id) return this;
    const data: Omit<TransportErrorData, 'code'> = { kind: this.kind, message: this.message, host: id };
    if (this.hop !== undefined) data.hop = this.hop;
    const e = new TransportError(data, { cause: this });
    if (this.notStarted) e.notStarted = true;
    return e;
  }

  override toJSON(): TransportErrorData {
    const out: TransportErrorData = { ...errorData(this), kind: this.kind };
    if (this.hop !== undefined) out.hop = this.hop;
    return out;
  }
}

export function isTransportError(err: unknown, kind?: TransportErrorKind): err is TransportError {
  return err instanceof TransportError && (kind === undefined || err.kind === kind);
}
