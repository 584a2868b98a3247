// The command line in-process: exit codes and what reaches the user for failures.
import t from 'tap';
import { main, reportFailure } from '../../master/cli.ts';
import { CliError } from '../../master/cli-error.ts';
import type { CliIo, CommandContext } from '../../master/output/cli-io.ts';
import { summaryLine } from '../../master/commands/lint.ts';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: '/',
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  return io;
}

t.test('internal errors: one line, the stack trace only with --debug', async (t) => {
  const io = capture();
  const ctx: CommandContext = { io, exitCode: 0 };
  const err = new TypeError('cannot read x of undefined');
  t.equal(reportFailure(err, ctx, false), 70);
  t.equal(io.err, 'halite: internal error: cannot read x of undefined\n(run again with --debug for details)\n');
  io.err = '';
  t.equal(reportFailure(err, ctx, true), 70);
  t.match(io.err, /^halite: internal error: TypeError: cannot read x of undefined\n\s+at /);
  io.err = '';
  t.equal(reportFailure('thrown string', ctx, false), 70);
  t.match(io.err, /internal error: thrown string/);
});

t.test('CliError: its message or its coded errors, with its exit code', async (t) => {
  const io = capture();
  const ctx: CommandContext = { io, exitCode: 0 };
  t.equal(reportFailure(new CliError('unknown host', 64), ctx, false), 64);
  t.equal(io.err, 'halite: unknown host\n');
  io.err = '';
  t.equal(
    reportFailure(
      new CliError('invalid', 5, [{ code: 'CONFIG', message: 'bad', file: 'h.yaml', line: 2 }]),
      ctx,
      false,
    ),
    5,
  );
  t.equal(io.err, 'h.yaml:2: bad (CONFIG)\n');
});

t.test('main: help and version exit 0, usage errors 64', async (t) => {
  const v = capture();
  t.equal(await main(['--version'], v), 0);
  t.match(v.out, /^\d+\.\d+\.\d+\n$/);
  const h = capture();
  t.equal(await main(['--help'], h), 0);
  t.match(h.out, /Usage: halite/);
  t.match(h.out, /lint/);
  const none = capture();
  t.equal(await main([], none), 64, 'no command is a usage error');
  const bad = capture();
  t.equal(await main(['--frob'], bad), 64);
  t.match(bad.err, /unknown option '--frob'/);
});

t.test('lint summary line', async (t) => {
  t.equal(summaryLine({ hosts: 1, failed: 0, errors: 0 }), 'lint: 1 host, no errors');
  t.equal(summaryLine({ hosts: 24, failed: 2, errors: 1 }), 'lint: 24 hosts, 2 with errors; 1 error in total');
  t.equal(summaryLine({ hosts: 24, failed: 2, errors: 5 }), 'lint: 24 hosts, 2 with errors; 5 errors in total');
});
