// More execution functions that look at the host (see host-functions.ts): Salt's user.info,
// cmd.has_exec / cmd.which, alternatives.show_current and file.contains_regex / file.search.
import { accessSync, constants, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type KwArgs } from './pyargs.ts';
import { pyBool, pyStr, type Dict } from './pyvalue.ts';
import { parsePasswd } from '../facts/passwd.ts';
import { groupsOf, parseGroup } from '../facts/group.ts';
import { flagBits, pyMatcher } from '../util/pyre.ts';

export const HOST_LOOKUPS = [
  'user.info',
  'cmd.has_exec',
  'cmd.which',
  'alternatives.show_current',
  'file.contains_regex',
  'file.search',
] as const;

type Define = (name: string, params: string[], defaults: KwArgs, impl: (a: KwArgs) => unknown) => unknown;

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The first executable file named `cmd` on the PATH (or `cmd` itself when it is a path). */
function which(root: string, cmd: string): string | null {
  const candidates = cmd.includes('/')
    ? [cmd]
    : (process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
        .split(':')
        .filter(Boolean)
        .map((d) => `${d}/${cmd}`);
  for (const c of candidates) {
    try {
      if (!statSync(join(root, c)).isFile()) continue;
      accessSync(join(root, c), constants.X_OK);
      return c;
    } catch {
      // not there, or not executable
    }
  }
  return null;
}

export function hostLookups(root: string, define: Define): Record<string, unknown> {
  const at = (p: string): string => join(root, p);
  return {
    // Salt's user.info: the passwd entry with its groups, {} for an unknown user
    'user.info': define('user.info', ['name'], {}, (a) => {
      const e = parsePasswd(readText(at('/etc/passwd'))).get(pyStr(a.name));
      if (!e) return {};
      const groups = groupsOf(e.name, e.gid, parseGroup(readText(at('/etc/group'))));
      return { ...e, groups } as Dict;
    }),
    'cmd.has_exec': define('cmd.has_exec', ['cmd'], {}, (a) => which(root, pyStr(a.cmd)) !== null),
    'cmd.which': define('cmd.which', ['cmd'], {}, (a) => which(root, pyStr(a.cmd))),
    // the target of /etc/alternatives/NAME, False when there is none (Salt logs and returns False)
    'alternatives.show_current': define('alternatives.show_current', ['name'], {}, (a) => {
      try {
        return readlinkSync(at(`/etc/alternatives/${pyStr(a.name)}`));
      } catch {
        return false;
      }
    }),
    'file.contains_regex': define('file.contains_regex', ['path', 'regex', 'lchar'], { lchar: '' }, (a) => {
      const search = pyMatcher(pyStr(a.regex));
      const lchar = [...pyStr(a.lchar)];
      let text: string;
      try {
        text = readFileSync(at(pyStr(a.path)), 'utf8');
      } catch {
        return false;
      }
      const lstrip = (line: string): string => {
        let i = 0;
        while (i < line.length && lchar.includes(line[i])) i++;
        return line.slice(i);
      };
      return text.split('\n').some((line) => search(lstrip(line)) !== null);
    }),
    'file.search': define(
      'file.search',
      ['path', 'pattern', 'flags', 'bufsize', 'ignore_if_missing', 'multiline'],
      { flags: 8, bufsize: 1, ignore_if_missing: false, multiline: false },
      (a) => {
        let text: string;
        try {
          text = readFileSync(at(pyStr(a.path)), 'utf8');
        } catch (e) {
          if (pyBool(a.ignore_if_missing)) return false;
          throw new Error(`file.search: ${(e as Error).message}`, { cause: e });
        }
        return pyMatcher(pyStr(a.pattern), flagBits(a.flags))(text) !== null;
      },
    ),
  };
}
