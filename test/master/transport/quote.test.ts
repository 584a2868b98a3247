import t from 'tap';
import { execFileSync } from 'node:child_process';
import { commandLine, quoteArg, shellQuote } from '../../../master/transport/quote.ts';

const NASTY = [
  'plain',
  'two words',
  "it's",
  '$HOME',
  '`id`',
  '$(id)',
  '"dq"',
  '\\back',
  '*',
  '?',
  '~root',
  '-rf',
  '',
  'new\nline',
  'semi;colon',
  'a|b',
  '&',
  '#x',
  '!',
  '\t',
  'ünï',
];

t.test('quoted argv comes out of /bin/sh exactly as it went in', async (t) => {
  const line = shellQuote(['printf', '%s\\0', ...NASTY]);
  const out = execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
  t.same(out.split('\0').slice(0, -1), NASTY);
});

t.test('safe words stay unquoted; everything else is single-quoted', async (t) => {
  t.equal(quoteArg('/usr/bin/halite-agent'), '/usr/bin/halite-agent');
  t.equal(quoteArg('a=b,c:d@e%f+g'), 'a=b,c:d@e%f+g');
  t.equal(quoteArg(''), "''");
  t.equal(quoteArg("it's"), `'it'\\''s'`);
  t.throws(() => quoteArg('a\0b'), /NUL/);
  t.throws(() => shellQuote([]));
});

t.test('commandLine: argv quoted, shell lines kept, sudo -n wrapping', async (t) => {
  t.equal(commandLine(['ls', '-l', 'a b']), "ls -l 'a b'");
  t.equal(commandLine('echo $HOME'), 'echo $HOME');
  t.equal(commandLine(['ls', 'a b'], { sudo: true }), "sudo -n -- ls 'a b'");
  t.equal(commandLine('echo $HOME', { sudo: true }), "sudo -n -- /bin/sh -c 'echo $HOME'");
});
