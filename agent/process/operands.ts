// Values from state arguments in a command's argv. A value that starts with '-' must never be
// read as an option: after `--` a tool reads what follows as operands, and a value meant for a
// tool (or a position) that does not honour `--` is refused when it looks like an option.

/** `--` then the values: the tool reads them as operands even when they start with '-'. */
export function operands(...values: string[]): string[] {
  return ['--', ...values];
}

/** Whether a tool would read `value` as an option. */
export const optionLike = (value: string): boolean => value.startsWith('-');

/**
 * For values placed where `--` cannot protect them: the failure comment for the first one that
 * starts with '-' (`what` names the argument), or undefined when none does.
 */
export function refuseOptionLike(what: string, ...values: ReadonlyArray<string | undefined>): string | undefined {
  const bad = values.find((v) => v !== undefined && optionLike(v));
  return bad === undefined
    ? undefined
    : `Invalid ${what} '${bad}': a value starting with '-' would be read as an option`;
}
