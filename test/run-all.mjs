// Runs the whole tap suite and ends with one line: "N passed, N failed[, N skipped]".
// Extra arguments are passed to tap (e.g. test files).
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const child = spawn('npx', ['tap', '--reporter=base', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (buf) => {
  process.stdout.write(buf);
  tail = (tail + buf.toString()).slice(-4096);
});
child.on('close', (code) => {
  const m = /#\s*\{([^}]*)\}\s*$/m.exec(tail.replace(/\x1b\[[0-9;]*m/g, ''));
  const counts = Object.fromEntries(
    (m?.[1] ?? '').split(',').map((kv) => kv.split(':').map((s) => s.trim())).filter((p) => p.length === 2).map(([k, v]) => [k, Number(v)]),
  );
  const passed = counts.pass ?? 0;
  let failed = counts.fail ?? 0;
  if (code !== 0 && failed === 0) failed = 1; // the runner itself failed (crash, timeout, no summary)
  const skipped = (counts.skip ?? 0) + (counts.todo ?? 0);
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
