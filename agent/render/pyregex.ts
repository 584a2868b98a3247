// Python `re` patterns and replacement strings in JavaScript: named groups (?P<name>…),
// back-references (?P=name), \A and \Z anchors, leading inline flags (?imsx), \1 and \g<name>.

function convert(pattern: string): { source: string; flags: string } {
  let flags = '';
  let src = pattern.replace(/^\(\?([imsx]+)\)/, (_m, f: string) => {
    flags = f.replace(/x/g, '');
    return '';
  });
  src = src
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])\\A/g, '$1^')
    .replace(/(^|[^\\])\\Z/g, '$1$(?![\\s\\S])');
  return { source: src, flags };
}

function build(source: string, flags: string, pattern: string): RegExp {
  try {
    return new RegExp(source, [...new Set(flags.split(''))].join(''));
  } catch (e) {
    throw new Error(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

/** A JavaScript RegExp for a Python pattern; `extra` adds flags (i, m, g…). */
export function toPyRegExp(pattern: string, extra: string): RegExp {
  const { source, flags } = convert(pattern);
  return build(source, flags + extra, pattern);
}

/** A RegExp that only matches at the start of the text, as re.match does. */
export function toPyMatchRegExp(pattern: string, extra: string): RegExp {
  const { source, flags } = convert(pattern);
  return build(`^(?:${source})`, flags + extra, pattern);
}

/** Converts a Python replacement string (\1, \g<1>, \g<name>, \n) to JavaScript's ($1, $<name>). */
export function toJsReplacement(rep: string): string {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '$') {
      out += '$$';
    } else if (c === '\\' && i + 1 < rep.length) {
      const n = rep[i + 1];
      const g = /^g<(\w+)>/.exec(rep.slice(i + 1));
      if (g) {
        out += /^\d+$/.test(g[1]) ? `$${g[1]}` : `$<${g[1]}>`;
        i += g[0].length;
      } else if (/\d/.test(n)) {
        const d = /^\d{1,2}/.exec(rep.slice(i + 1))![0];
        out += `$${d}`;
        i += d.length;
      } else {
        const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\' };
        out += esc[n] ?? '\\' + n;
        i++;
      }
    } else {
      out += c;
    }
  }
  return out;
}
