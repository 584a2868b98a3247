// Reads newline-terminated messages from a stream, one at a time, as they arrive.
import type { Readable } from 'node:stream';

export class LineReader {
  private buf = '';
  private readonly lines: string[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 1);
      }
      this.notify();
    });
    stream.on('end', () => {
      if (this.buf) this.lines.push(this.buf);
      this.buf = '';
      this.ended = true;
      this.notify();
    });
    stream.on('error', (e: Error) => {
      this.failure = e;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** The next non-empty line, or undefined at the end of the stream. */
  async next(): Promise<string | undefined> {
    for (;;) {
      while (this.lines.length) {
        const line = this.lines.shift()!;
        if (line.trim()) return line;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return undefined;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}
