// SLS names as Salt's CLI takes them: several arguments, or one comma-separated list
// (`state.sls memcached,redis`), or both.

/** The SLS names of `args`, split on commas, blanks dropped, in order, each once. */
export function slsNames(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    for (const part of arg.split(',')) {
      const name = part.trim();
      if (name && !out.includes(name)) out.push(name);
    }
  }
  return out;
}
