// How a state function declares its arguments, once: type, default, whether required, a one-line
// doc, and whether halite acts on it. The executor validates and coerces a call's arguments from
// this (arg-parse.ts), the reference pages are generated from it (reference.ts), and the check
// code receives the typed, defaulted values (ArgsOf).

/**
 * The types an argument can have; `arg-parse.ts` says what each accepts.
 * - string: a string (a number is taken as its decimal text, as YAML gives `version: 2`).
 * - bool: Salt's truthiness (true/false, yes/no, on/off, 1/0).
 * - int, number: a number, or a string holding one ("5").
 * - seconds: a number of seconds ≥ 0, or a string holding one.
 * - list: a list of strings (numbers are taken as their text).
 * - str_or_list: a string or a list of strings, as a list.
 * - items: a list of anything (module-specific entries such as pkgs' `{name: version}`).
 * - mapping: a mapping.
 * - mode: a file mode, 644 / '644' / '0644', as four octal digits.
 * - any: anything; the function checks it.
 */
export type ArgType =
  'string' | 'bool' | 'int' | 'number' | 'seconds' | 'list' | 'str_or_list' | 'items' | 'mapping' | 'mode' | 'any';

/** The TypeScript type a check receives for each argument type. */
export interface ArgValue {
  string: string;
  bool: boolean;
  int: number;
  number: number;
  seconds: number;
  list: string[];
  str_or_list: string[];
  items: unknown[];
  mapping: Record<string, unknown>;
  mode: string;
  any: unknown;
}

/** The words the reference uses for each type. */
export const TYPE_LABEL: Readonly<Record<ArgType, string>> = {
  string: 'string',
  bool: 'bool',
  int: 'int',
  number: 'number',
  seconds: 'seconds',
  list: 'list of strings',
  str_or_list: 'string or list',
  items: 'list',
  mapping: 'mapping',
  mode: 'mode',
  any: 'any',
};

export interface ArgDecl {
  type: ArgType;
  /** One line for the reference. */
  doc: string;
  /** Salt's default; the check receives it when the argument is not given. */
  default?: unknown;
  required?: boolean;
  /**
   * Accepted for compatibility with Salt but not acted upon here: why. A call that gives it (with a
   * value other than the default) gets a warning saying it was ignored.
   */
  unsupported?: string;
}

/** Arguments by name, besides `name`, which every function takes. */
export type ArgDecls = Readonly<Record<string, ArgDecl>>;

type Given<A> = A extends { required: true } ? true : A extends { default: unknown } ? true : false;

/** The arguments a check receives for declarations D: typed, with defaults applied. */
export type ArgsOf<D extends ArgDecls> = { readonly name: string } & {
  readonly [K in keyof D]: Given<D[K]> extends true ? ArgValue[D[K]['type']] : ArgValue[D[K]['type']] | undefined;
};

/** Declares arguments, keeping their literal types so ArgsOf can type the check. */
export function declareArgs<const D extends ArgDecls>(decls: D): D {
  return decls;
}
