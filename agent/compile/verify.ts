// Structural checks of one declaration after extend (Salt's verify_high): exactly one function
// per module, arguments as single-key dicts, `names` as a list, requisites well formed.
import type { ErrorData, ErrorCode } from '../errors.ts';
import type { HighDecl } from '../protocol.ts';
import { isDict, show } from './data.ts';
import { isRequisiteKeyword } from './keywords.ts';
import { parseRequisites } from './raw.ts';
import { compileError } from './error.ts';
import { saltFunctionNames } from '../render/salt.ts';
import { HOST_FUNCTIONS } from '../render/host-functions.ts';

export interface Problem {
  code: ErrorCode;
  message: string;
  /** What Salt accepts: reported by lint, not an error. */
  warning?: boolean;
}

/** Problems of one argument dict (`{arg: value}`) of a state declaration or of a `names` entry. */
export function argProblems(arg: unknown, where: string): Problem[] {
  if (!isDict(arg)) {
    return [
      {
        code: 'SLS_STRUCTURE',
        message: `argument ${show(arg)} of ${where} is neither a function name nor a single-key dictionary`,
      },
    ];
  }
  const keys = Object.keys(arg);
  if (keys.length === 0) return [{ code: 'SLS_STRUCTURE', message: `empty argument in ${where}` }];
  const key = keys[0];
  if (keys.length > 1) {
    const message = `Multiple dictionaries defined in argument of ${where} (${keys.join(', ')}); each argument is its own list item`;
    // Salt refuses this for a requisite only; otherwise it takes every key as an argument (real
    // trees rely on it: `- context:` with its keys written at the same indent).
    if (isRequisiteKeyword(key)) return [{ code: 'SLS_STRUCTURE', message }];
    return [{ code: 'SLS_STRUCTURE', message: `${message}: all are taken as arguments, as Salt does`, warning: true }];
  }
  const value = arg[key];
  if (key === 'names' && !Array.isArray(value)) {
    return [{ code: 'SLS_STRUCTURE', message: `the 'names' argument of ${where} must be formed as a list` }];
  }
  if (isRequisiteKeyword(key)) {
    return parseRequisites(key, value).problems.map((m) => ({
      code: 'REQUISITE_MALFORMED' as const,
      message: `${m} (${where})`,
    }));
  }
  if (key === 'onlyif' || key === 'unless') return conditionProblems(key, value, where);
  return [];
}

let execNames: ReadonlySet<string> | undefined;

/**
 * onlyif/unless entries that call an execution function: one that does not exist here, or an
 * entry without `fun`, is what Salt accepts and finds out when the state runs (it fails, or the
 * state runs): lint warns.
 */
function conditionProblems(key: string, value: unknown, where: string): Problem[] {
  execNames ??= new Set([...saltFunctionNames(), ...HOST_FUNCTIONS]);
  const out: Problem[] = [];
  for (const entry of Array.isArray(value) ? value : [value]) {
    if (!isDict(entry)) continue;
    const fun = entry.fun;
    if (fun === undefined)
      out.push({ code: 'SLS_STRUCTURE', message: `an ${key} entry of ${where} has no \`fun\``, warning: true });
    else if (!execNames.has(String(fun)))
      out.push({
        code: 'SLS_STRUCTURE',
        message: `${key} of ${where} calls '${String(fun)}', which is not an execution function here: the state fails when it runs`,
        warning: true,
      });
  }
  return out;
}

/** Problems of module `module` of declaration `decl` (ID `id`). */
export function moduleProblems(id: string, module: string, list: unknown, decl: HighDecl): Problem[] {
  const where = `state '${module}' of ID '${id}' in SLS '${decl.__sls__}'`;
  if (!Array.isArray(list)) return [{ code: 'SLS_STRUCTURE', message: `${where} is not formed as a list` }];
  const out: Problem[] = [];
  const funs: string[] = [];
  for (const arg of list) {
    if (typeof arg === 'string') {
      funs.push(arg);
      if (/\s/.test(arg.trim())) {
        out.push({
          code: 'SLS_STRUCTURE',
          message: `the function '${arg}' in ${where} has whitespace; perhaps this is an argument missing a ':'`,
        });
      }
      continue;
    }
    out.push(...argProblems(arg, where));
  }
  if (funs.length === 0) out.push({ code: 'SLS_STRUCTURE', message: `no function declared in ${where}` });
  else if (funs.length > 1)
    out.push({
      code: 'SLS_STRUCTURE',
      message: `too many functions declared in ${where}; choose one of: ${funs.join(', ')}`,
    });
  return out;
}

/** All problems of one declaration, as located errors and warnings. */
export function verifyDecl(id: string, decl: HighDecl): { errors: ErrorData[]; warnings: ErrorData[] } {
  const errors: ErrorData[] = [];
  const warnings: ErrorData[] = [];
  for (const module of Object.keys(decl)) {
    if (module.startsWith('__')) continue;
    for (const p of moduleProblems(id, module, decl[module], decl)) {
      (p.warning ? warnings : errors).push(
        compileError(p.code, p.message, { file: decl.__file__, line: decl.__line__, id }),
      );
    }
  }
  return { errors, warnings };
}
