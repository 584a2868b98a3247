import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, exitCodeFor, exitCodeForError, worstExitCode } from '../../master/exit-codes.ts';

t.test('error codes map to exit codes', async (t) => {
  t.equal(exitCodeForError('RENDER_TEMPLATE'), 3);
  t.equal(exitCodeForError('RENDER_YAML'), 3);
  t.equal(exitCodeForError('DUPLICATE_ID'), 1);
  t.equal(exitCodeForError('REQUISITE_CYCLE'), 1);
  t.equal(exitCodeForError('SLS_NOT_FOUND'), 1);
  t.equal(exitCodeForError('PILLAR'), 1);
  t.equal(exitCodeForError('ROSTER'), 5);
  t.equal(exitCodeForError('CONFIG'), 5);
  t.equal(exitCodeForError('TRANSPORT'), 4);
  t.equal(exitCodeForError('TIMEOUT'), 7);
  t.equal(exitCodeForError('INTERNAL'), 70);
});

t.test('the most significant code wins', async (t) => {
  t.equal(exitCodeFor([]), 0);
  t.equal(
    exitCodeFor([
      { code: 'DUPLICATE_ID', message: '' },
      { code: 'RENDER_YAML', message: '' },
    ]),
    EXIT.RENDER_ERROR,
  );
  t.equal(
    exitCodeFor([
      { code: 'RENDER_YAML', message: '' },
      { code: 'ROSTER', message: '' },
    ]),
    EXIT.CONFIG_ERROR,
  );
  t.equal(worstExitCode([EXIT.STATE_FAILURE, EXIT.COMPILE_ERROR]), EXIT.COMPILE_ERROR);
  t.equal(worstExitCode([EXIT.STATE_FAILURE, EXIT.OK]), EXIT.STATE_FAILURE);
  t.equal(worstExitCode([EXIT.UNREACHABLE, EXIT.INTERNAL, EXIT.USAGE]), EXIT.INTERNAL);
  t.equal(worstExitCode([EXIT.TIMEOUT, EXIT.STATE_FAILURE, EXIT.LOCKED]), EXIT.TIMEOUT);
  t.equal(worstExitCode([EXIT.TIMEOUT, EXIT.UNREACHABLE]), EXIT.UNREACHABLE);
});

t.test('docs/exit-codes.md lists every code', async (t) => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/exit-codes.md'), 'utf8');
  for (const [name, code] of Object.entries(EXIT))
    t.match(doc, new RegExp(`^\\|\\s*${code}\\s*\\|\\s*\`${name}\``, 'm'), name);
});
