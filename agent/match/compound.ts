// Compound matcher: `G@roles:db and not web*`, `( L@a,b or E@db\d+ ) and I@level:prod`.
// Words are separated by whitespace (parentheses too, as in Salt); a word `X@pattern` is matched by
// engine X, any other word is a glob on the minion id. `not` binds tightest, then `and`, then `or`;
// `a not b` reads as `a and not b`. Every term is evaluated, so a bad term is reported even where
// the result would not need it.
import { globMatch } from './glob.ts';
import { grainMatch } from './grain.ts';
import { grainPcreMatch } from './grain_pcre.ts';
import { ipcidrMatch } from './ipcidr.ts';
import { listMatch } from './list.ts';
import { pcreMatch } from './pcre.ts';
import { pillarMatch } from './pillar.ts';
import { pillarPcreMatch } from './pillar_pcre.ts';
import { DEFAULT_DELIMITER, TargetError, type Minion } from './types.ts';

type Engine = (tgt: string, minion: Minion, delimiter: string) => boolean;

const ENGINES: Record<string, Engine> = {
  G: grainMatch,
  P: grainPcreMatch,
  I: pillarMatch,
  J: pillarPcreMatch,
  L: listMatch,
  S: ipcidrMatch,
  E: pcreMatch,
};

/** Engine letters Salt knows that have no meaning here. */
const UNSUPPORTED: Record<string, string> = {
  N: 'nodegroups',
  R: 'range clusters',
  T: 'resources',
  M: 'managing minions',
};

const OPERATORS = new Set(['and', 'or', 'not', '(', ')']);

export interface TargetWord {
  engine?: string;
  delimiter?: string;
  pattern: string;
}

/** Splits `G@roles:db` into engine, optional delimiter (`G;@a;b`) and pattern, as Salt's parse_target. */
export function parseTargetWord(word: string): TargetWord {
  const e = word[0];
  if (word.length > 3 && word[2] === '@' && 'GPIJ'.includes(e))
    return { engine: e, delimiter: word[1], pattern: word.slice(3) };
  if (word.length > 2 && word[1] === '@' && (e in ENGINES || e in UNSUPPORTED))
    return { engine: e, pattern: word.slice(2) };
  return { pattern: word };
}

interface Token {
  kind: 'value' | 'and' | 'or' | 'not' | '(' | ')';
  value?: boolean;
  word: string;
}

function evalWord(word: string, minion: Minion): boolean {
  const t = parseTargetWord(word);
  if (!t.engine) {
    if (word.includes('(') || word.includes(')')) {
      throw new TargetError(`'${word}': parentheses in a compound target must be separated from their terms by spaces`);
    }
    return globMatch(word, minion);
  }
  if (t.engine in UNSUPPORTED)
    throw new TargetError(`'${word}': ${UNSUPPORTED[t.engine]} (${t.engine}@) are not supported`);
  return ENGINES[t.engine](t.pattern, minion, t.delimiter ?? DEFAULT_DELIMITER);
}

/** Salt's word pass: operators checked where they appear, implicit `and` before `not`, terms evaluated. */
function tokenize(words: readonly string[], minion: Minion): Token[] {
  const out: Token[] = [];
  for (const word of words) {
    if (!OPERATORS.has(word)) {
      out.push({ kind: 'value', value: evalWord(word, minion), word });
      continue;
    }
    const last = out[out.length - 1];
    if (!last && word !== '(' && word !== 'not') throw new TargetError(`a compound target cannot start with '${word}'`);
    if (last?.kind === '(' && (word === 'and' || word === 'or')) throw new TargetError(`'${word}' cannot follow '('`);
    if (last && word === 'not' && !['and', 'or', '('].includes(last.kind)) out.push({ kind: 'and', word: 'and' });
    out.push({ kind: word as Token['kind'], word });
  }
  return out;
}

/** Recursive descent over the tokens: or < and < not < ( ). */
function evaluate(tokens: Token[], expr: string): boolean {
  let pos = 0;
  const fail = (what: string): never => {
    throw new TargetError(`invalid compound target '${expr}': ${what}`);
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (tokens[pos]?.kind === 'or') {
      pos++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = notExpr();
    while (tokens[pos]?.kind === 'and') {
      pos++;
      const r = notExpr();
      v = v && r;
    }
    return v;
  };
  const notExpr = (): boolean => {
    if (tokens[pos]?.kind === 'not') {
      pos++;
      return !notExpr();
    }
    return atom();
  };
  const atom = (): boolean => {
    const t = tokens[pos];
    if (!t) return fail('it ends where a term was expected');
    if (t.kind === 'value') {
      pos++;
      return t.value!;
    }
    if (t.kind === '(') {
      pos++;
      const v = orExpr();
      if (tokens[pos]?.kind !== ')')
        return fail(tokens[pos] ? `expected ')' before '${tokens[pos].word}'` : "unclosed '('");
      pos++;
      return v;
    }
    return fail(`'${t.word}' where a term was expected`);
  };
  const v = orExpr();
  if (pos < tokens.length) {
    const t = tokens[pos];
    fail(t.kind === ')' ? "unbalanced ')'" : `missing 'and' or 'or' before '${t.word}'`);
  }
  return v;
}

/** Evaluates a compound target (a string, or a list of words) for one minion. */
export function compoundMatch(tgt: unknown, minion: Minion): boolean {
  let words: string[];
  if (typeof tgt === 'string') words = tgt.split(/\s+/).filter(Boolean);
  else if (Array.isArray(tgt) && tgt.every((w) => typeof w === 'string')) words = [...tgt];
  else throw new TargetError(`a compound target must be a string or a list of words, not ${JSON.stringify(tgt)}`);
  if (!words.length) throw new TargetError('empty compound target');
  const expr = words.join(' ');
  return evaluate(tokenize(words, minion), expr);
}
