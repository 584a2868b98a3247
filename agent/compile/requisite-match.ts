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

/** The declaration a chunk belongs to: one module under one ID. */
function declKey(c: DraftChunk): string {
  return `${c.state}\0${c.id}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}

export class ChunkIndex {
  /** `module\0key` and `id\0key` → chunks whose ID or name is key, in chunk order. */
  private readonly exact = new Map<string, MatchableChunk[]>();
  /** Chunks of each declaration (module + ID), of each `module\0name`, of each name and of each SLS. */
  private readonly byDecl = new Map<string, MatchableChunk[]>();
  private readonly byModuleName = new Map<string, MatchableChunk[]>();
  private readonly byName = new Map<string, MatchableChunk[]>();
  private readonly bySls = new Map<string, MatchableChunk[]>();
  private readonly firstById = new Map<string, MatchableChunk>();
  private readonly position = new Map<MatchableChunk, number>();

  constructor(readonly chunks: readonly MatchableChunk[]) {
    chunks.forEach((c, i) => {
      for (const key of [c.id, c.name]) {
        push(this.exact, `${c.state}\0${key}`, c);
        push(this.exact, `id\0${key}`, c);
      }
      push(this.byDecl, declKey(c), c);
      push(this.byModuleName, `${c.state}\0${c.name}`, c);
      push(this.byName, c.name, c);
      push(this.bySls, c.sls, c);
      if (!this.firstById.has(c.id)) this.firstById.set(c.id, c);
      this.position.set(c, i);
    });
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
    const chunks = this.chunks.filter(
      (c) => (anyModule || c.state === module) && (fnmatch(c.id, ref) || fnmatch(c.name, ref)),
    );
    return { found: chunks.length > 0, chunks };
  }

  /**
   * Declarations (module + ID) named by an `_in` requisite or by `use`, expanded to all their
   * chunks: an ID declaring that module, else the declarations whose name matches. A bare
   * string names the first module of that ID (Salt's behaviour), else any chunk with that name.
   */
  declarations(module: string, ref: string): MatchableChunk[] {
    if (module === 'sls') {
      if (!hasGlob(ref)) return [...(this.bySls.get(ref) ?? [])];
      return this.chunks.filter((c) => fnmatch(c.sls, ref));
    }
    let seeds: MatchableChunk[];
    if (module === 'id') {
      const first = this.firstById.get(ref);
      seeds = first ? [first] : (this.byName.get(ref) ?? []);
    } else {
      seeds = this.byDecl.get(`${module}\0${ref}`) ?? this.byModuleName.get(`${module}\0${ref}`) ?? [];
      if (!seeds.length && hasGlob(ref))
        seeds = this.chunks.filter((c) => c.state === module && (fnmatch(c.id, ref) || fnmatch(c.name, ref)));
    }
    const decls = new Set(seeds.map(declKey));
    if (decls.size === 1) return [...(this.byDecl.get([...decls][0]) ?? [])];
    const out = [...decls].flatMap((k) => this.byDecl.get(k) ?? []);
    return out.sort((a, b) => this.position.get(a)! - this.position.get(b)!);
  }

  /** The first chunk of each declaration among `chunks`, in chunk order. */
  static firstOfEach(chunks: readonly MatchableChunk[]): MatchableChunk[] {
    const seen = new Set<string>();
    return chunks.filter((c) => !seen.has(declKey(c)) && !!seen.add(declKey(c)));
  }
}
