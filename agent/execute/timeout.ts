// Per-state time limit: the work gets an AbortSignal; when the limit passes the signal aborts
// (commands started through ctx.run are killed) and the state is reported as timed out.

export class StateTimeout extends Error {
  constructor(readonly seconds: number) {
    super(`timed out after ${seconds} s`);
    this.name = 'StateTimeout';
  }
}

/** How long to wait for aborted work to wind down before moving on. */
const GRACE_MS = 5000;

/**
 * Runs `work` with a signal that aborts after `seconds` (or when `outer` aborts). Rejects with
 * StateTimeout when the limit passes; waits a short grace period for the aborted work to settle
 * so that its killed commands are gone before the next state starts.
 */
export async function withTimeout<T>(
  seconds: number | undefined,
  outer: AbortSignal | undefined,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!seconds || seconds <= 0) return work(outer);
  const controller = new AbortController();
  const onOuter = (): void => controller.abort(outer?.reason);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const running = work(controller.signal);
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort(new StateTimeout(seconds));
      reject(new StateTimeout(seconds));
    }, seconds * 1000);
  });
  try {
    return await Promise.race([running, expired]);
  } catch (err) {
    if (err instanceof StateTimeout) {
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        running.then(
          () => undefined,
          () => undefined,
        ),
        new Promise<void>((r) => (grace = setTimeout(r, GRACE_MS))),
      ]);
      clearTimeout(grace);
    }
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onOuter);
  }
}
