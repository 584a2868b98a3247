// include_pat / exclude_pat of file.recurse and file.directory: shell globs (fnmatch, where
// '*' also matches '/') or regular expressions written 'E@regex'; a single one or a list.
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function matchOne(path: string, pat: string): boolean {
  return pat.startsWith('E@') ? new RegExp(pat.slice(2)).test(path) : globToRegExp(pat).test(path);
}

/** Salt's check_include_exclude: included (or no include given) and not excluded. */
export function includeExclude(path: string, include: string | undefined, exclude: string | undefined): boolean {
  const inc = include === undefined ? [] : [include];
  const exc = exclude === undefined ? [] : [exclude];
  if (inc.length && !inc.some((p) => matchOne(path, p))) return false;
  return !exc.some((p) => matchOne(path, p));
}
