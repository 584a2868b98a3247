// A shell line (cmd.run's name, unless/onlyif) is never put in argv, where every local user can
// read it in /proc/PID/cmdline: the shell gets a fixed bootstrap as its -c argument and reads the
// line from a pipe on fd 3, then runs it with eval, as `sh -c LINE` would. The command's own stdin
// (Salt's `stdin:` argument, or nothing) stays on fd 0, and fd 3 is closed before the line runs,
// so nothing the line starts can read it or inherit it. The pipe is inherited, not opened by name,
// so it still works after `runuser` has dropped root.

/** Reads fd 3 to its end (the last line may lack a newline), closes it, and evals what it read. */
export const SHELL_BOOTSTRAP = 'c=; while IFS= read -r l || [ -n "$l" ]; do c="$c$l\n"; done <&3; exec 3<&-; eval "$c"';

/** [shell, '-c', bootstrap]: nothing of the line itself. */
export const shellArgv = (shell: string): string[] => [shell, '-c', SHELL_BOOTSTRAP];

/** What is written to the shell's fd 3 (RunOptions.fd3) for `line`. */
export const shellInput = (line: string): string => (line.endsWith('\n') ? line : `${line}\n`);
