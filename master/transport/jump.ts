// Reaching a target through a jump host: a direct-tcpip channel on the jump host's connection,
// over which the target's own SSH session runs end to end (the jump host sees only ciphertext).
import type { Client, ClientChannel } from 'ssh2';
import { TransportError } from './errors.ts';
import { type Hop, hopLabel } from './target.ts';

/** Channel-open failure reasons (RFC 4254 §5.1). */
const OPEN_FAILURE: Record<number, string> = {
  1: 'forwarding administratively prohibited',
  2: 'connect failed',
  3: 'unknown channel type',
  4: 'resource shortage',
};

export interface ForwardOptions {
  /** How the target is named in messages. */
  name: string;
  /** The jump host's login, for messages. */
  via: Hop;
  timeoutMs: number;
}

/**
 * Asks the jump host to open a TCP connection to `target`. A refusal or a timeout is a TRANSPORT
 * error of kind 'unreachable'; a jump connection that has dropped is kind 'connection'.
 */
export function forwardTo(jump: Client, target: Hop, opts: ForwardOptions): Promise<ClientChannel> {
  const via = hopLabel(opts.via);
  const dest = target.address.includes(':') ? `[${target.address}]:${target.port}` : `${target.address}:${target.port}`;
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(
        new TransportError({
          kind: 'unreachable',
          hop: hopLabel(target),
          message: `${opts.name}: unreachable: jump host ${via} did not connect to ${dest} within ${opts.timeoutMs} ms`,
        }),
      );
    }, opts.timeoutMs);
    const onOpen = (err: (Error & { reason?: number }) | undefined, channel: ClientChannel): void => {
      if (done) {
        // answered after the timeout: nobody wants the channel any more
        if (!err) channel.close();
        return;
      }
      done = true;
      clearTimeout(timer);
      if (!err) return resolve(channel);
      if (err.reason === undefined) {
        reject(
          new TransportError(
            {
              kind: 'connection',
              hop: via,
              message: `${opts.name}: connection to jump host ${via} lost: ${err.message}`,
            },
            { cause: err },
          ),
        );
        return;
      }
      const why =
        err.message.replace(/^\(SSH\) Channel open failure: /, '') ||
        OPEN_FAILURE[err.reason] ||
        `reason ${err.reason}`;
      reject(
        new TransportError(
          {
            kind: 'unreachable',
            hop: hopLabel(target),
            message: `${opts.name}: unreachable: jump host ${via} could not connect to ${dest}: ${why}`,
          },
          { cause: err },
        ),
      );
    };
    try {
      jump.forwardOut('127.0.0.1', 0, target.address, target.port, onOpen);
    } catch (err) {
      onOpen(err as Error, undefined as never);
    }
  });
}
