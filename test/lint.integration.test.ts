// The sources pass `npm run lint` (ESLint with type information, see eslint.config.js): no unused
// code, no promise left without a handler, comment lines within 120 columns.
import t from 'tap';
import { spawn } from 'node:child_process';
import { REPO } from './shipped.ts';

function lint(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'lint'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

t.test('npm run lint finds nothing', async (t) => {
  const r = await lint();
  t.equal(r.code, 0, 'it exits 0', { output: r.output.slice(-8000) });
});
