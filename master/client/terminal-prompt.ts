// A question asked on the terminal: written on stderr, answered by a line on stdin.
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
