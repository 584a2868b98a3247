// Which chunks a requisite reference names (Salt's DependencyGraph.add_dependency for direct
// requisites, find_name/find_sls_ids for the `_in` forms and `use`).
//
// A reference is `{module: ref}`; `module` is `id` for a bare string (any module) and `sls` for a
// whole SLS file. Direct references match chunks of that module whose ID or name equals ref,
// or matches it when ref is a wildcard pattern; `sls:` matches the chunks of that SLS (and of the
// SLS files it included, when the compiler records them).
import type { DraftChunk } from './types.ts';
import { fnmatch, hasGlob } from '../match/glob.ts';

/** A draft chunk, optionally with the SLS files that included its SLS (Salt's __sls_included_from__). */
export type MatchableChunk = DraftChunk & { included_from?: readonly string[] };

export interface Match {
  /** False when nothing matched (a wildcard `sls:` pattern always counts as found, as in Salt). */
  found: boolean;
  chunks: MatchableChunk[];
}

function sameDecl(a: DraftChunk, b: DraftChunk): boolean {
  return a.state === b.state && a.id === b.id;
}

export class ChunkIndex {
  /** `module\0key` and `id\0key` → chunks whose ID or name is key, in chunk order. */
  private readonly exact = new Map<string, MatchableChunk[]>();

  constructor(readonly chunks: readonly MatchableChunk[]) {
    const add = (k: string, c: MatchableChunk): void => {
      const list = this.exact.get(k);
      if (!list) this.exact.set(k, [c]);
      else if (list[list.length - 1] !== c) list.push(c);
    };
    for (const c of chunks) {
      for (const key of [c.id, c.name]) {
        add(`${c.state}\0${key}`, c);
        add(`id\0${key}`, c);
      }
    }
  }

  private slsMatches(c: MatchableChunk, pattern: string, glob: boolean): boolean {
    const test = (s: string): boolean => (glob ? fnmatch(s, pattern) : s === pattern);
    return test(c.sls) || (c.included_from ?? []).some(test);
  }

  /** Targets of a direct requisite (require, watch, prereq, onfail, onchanges, listen and their _any forms). */
  direct(module: string, ref: string): Match {
    const anyModule = module === 'id';
    if (module === 'sls') {
      const glob = hasGlob(ref);
      const chunks = this.chunks.filter((c) => this.slsMatches(c, ref, glob));
      return { found: glob || chunks.length > 0, chunks };
    }
    if (!hasGlob(ref)) {
      const chunks = this.exact.get(`${module}\0${ref}`) ?? [];
      return { found: chunks.length > 0, chunks: [...chunks] };
    }
    const chunks = this.chunks.filter((c) => (anyModule || c.state === module) && (fnmatch(c.id, ref) || fnmatch(c.name, ref)));
    return { found: chunks.length > 0, chunks };
  }

  /**
   * Declarations (module + ID) named by an `_in` requisite or by `use`, expanded to all their
   * chunks: an ID declaring that module, else the declarations whose name matches. A bare
   * string names the first module of that ID (Salt's behaviour), else any chunk with that name.
   */
  declarations(module: string, ref: string): MatchableChunk[] {
    if (module === 'sls') {
      const glob = hasGlob(ref);
      return this.chunks.filter((c) => (glob ? fnmatch(c.sls, ref) : c.sls === ref));
    }
    let seeds: MatchableChunk[];
    if (module === 'id') {
      const first = this.chunks.find((c) => c.id === ref);
      seeds = first ? [first] : this.chunks.filter((c) => c.name === ref);
    } else {
      seeds = this.chunks.filter((c) => c.state === module && c.id === ref);
      if (!seeds.length) seeds = this.chunks.filter((c) => c.state === module && c.name === ref);
      if (!seeds.length && hasGlob(ref)) seeds = this.chunks.filter((c) => c.state === module && (fnmatch(c.id, ref) || fnmatch(c.name, ref)));
    }
    return this.chunks.filter((c) => seeds.some((s) => sameDecl(s, c)));
  }

  /** The first chunk of each declaration among `chunks`, in chunk order. */
  static firstOfEach(chunks: readonly MatchableChunk[]): MatchableChunk[] {
    const out: MatchableChunk[] = [];
    for (const c of chunks) if (!out.some((o) => sameDecl(o, c))) out.push(c);
    return out;
  }
}
