// A question asked on the terminal: written on stderr, answered by a line on stdin (not echoed for a secret).
import { createInterface } from 'node:readline';

/** One line from the terminal, the question written on stderr (undefined at end of input). */
export async function askTerminal(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string | undefined>((resolve) => {
      rl.once('close', () => resolve(undefined));
      rl.question(question, resolve);
    });
  } finally {
    rl.close();
  }
}

/** A line typed at the terminal without echo (raw mode), the question written on stderr. */
export async function askSecret(question: string): Promise<string | undefined> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return undefined;
  // echo off before the question shows: what is typed as soon as it is seen is not echoed either
  stdin.setRawMode(true);
  process.stderr.write(question);
  stdin.resume();
  try {
    return await new Promise<string | undefined>((resolve) => {
      let typed = '';
      const onData = (chunk: Buffer): void => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return done(typed);
          if (ch === '\u0003' || (ch === '\u0004' && typed === '')) return done(undefined);
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else if (ch >= ' ') typed += ch;
        }
      };
      const done = (v: string | undefined): void => {
        stdin.off('data', onData);
        resolve(v);
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
