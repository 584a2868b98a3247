// Lines are split without holding more than one line's limit; command output is capped; sizes read
// as halite.yaml gives them.
import t from 'tap';
import { LineSplitter, OutputCap, TailBuffer, formatSize, parseSize } from '../../../master/config/host-limits.ts';

t.test('lines across chunks, a character split between chunks stays whole', async (t) => {
  const lines: string[] = [];
  const s = new LineSplitter(16, (l) => lines.push(l));
  const euro = Buffer.from('€');
  t.ok(s.push(Buffer.concat([Buffer.from('ab\ncd'), euro.subarray(0, 1)])));
  t.ok(s.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nlast')])));
  s.flush();
  t.same(lines, ['ab', 'cd€', '', 'last']);
});

t.test('a line over the limit is refused, complete or not', async (t) => {
  const lines: string[] = [];
  t.notOk(new LineSplitter(4, (l) => lines.push(l)).push(Buffer.from('12345\n')));
  const s = new LineSplitter(4, (l) => lines.push(l));
  t.ok(s.push(Buffer.from('1234')));
  t.notOk(s.push(Buffer.from('5')), 'an unfinished line grows past the limit');
  t.ok(new LineSplitter(4, (l) => lines.push(l)).push(Buffer.from('1234\n')), 'exactly the limit is fine');
  t.same(lines, ['1234']);
});

t.test('sizes', async (t) => {
  t.equal(parseSize(1024), 1024);
  t.equal(parseSize('4MiB'), 4 << 20);
  t.equal(parseSize('512 KiB'), 512 << 10);
  t.equal(parseSize('1GiB'), 1 << 30);
  for (const bad of [0, -1, 1.5, '4MB', '4 mib', 'x', '', null])
    t.equal(parseSize(bad), undefined, JSON.stringify(bad));
  t.equal(formatSize(4 << 20), '4 MiB');
  t.equal(formatSize(1536), '1536 bytes');
});

t.test('a tail keeps the last bytes only', async (t) => {
  const tail = new TailBuffer(10);
  for (let i = 0; i < 1000; i++) tail.push(Buffer.from(`line ${i}\n`));
  t.equal(tail.text(), '\nline 999\n');
});

t.test('a command output cap keeps what fits and says which limit was passed', async (t) => {
  const total = new OutputCap({ maxLine: 100, maxOutput: 10 });
  t.equal(total.take('stdout', Buffer.from('abc\n')).toString(), 'abc\n');
  t.equal(total.take('stderr', Buffer.from('defg\n')).toString(), 'defg\n', 'stderr counts against the same total');
  t.equal(total.exceeded, undefined);
  t.equal(total.take('stdout', Buffer.from('hijk\n')).toString(), 'h');
  t.equal(total.exceeded, 'sent more than 10 bytes of output (host_max_output)');
  t.equal(total.take('stdout', Buffer.from('more')).length, 0, 'nothing passes once over');

  const line = new OutputCap({ maxLine: 4, maxOutput: 100 });
  t.equal(line.take('stdout', Buffer.from('abcd\nab')).toString(), 'abcd\nab');
  t.equal(line.take('stderr', Buffer.from('wxyz\n')).toString(), 'wxyz\n', 'each stream has its own current line');
  t.equal(line.take('stdout', Buffer.from('cdef\n')).toString(), 'cd', 'a line across chunks is cut at the limit');
  t.equal(line.exceeded, 'sent a line longer than 4 bytes (host_max_line)');
});
