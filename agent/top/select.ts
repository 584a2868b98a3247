// Which of a top file's targets select a minion, and the SLS they assign, per saltenv.
import type { ErrorData } from '../errors.ts';
import { matchTarget, TargetError, type Minion } from '../match/index.ts';
import type { TopSls, TopTarget } from './read.ts';

export interface MatchedSls extends TopSls {
  /** The target's `ignore_missing` option. */
  ignoreMissing: boolean;
}

export interface SelectOptions {
  /** Sort targets by their `order` option first (pillar top files do; state top files do not). */
  byOrder?: boolean;
}

export interface Selection {
  /**
   * saltenv → SLS in top-file order, each once (first occurrence kept). Only saltenvs with a matching
   * target appear.
   */
  matches: Record<string, MatchedSls[]>;
  errors: ErrorData[];
}

/** Evaluates every target for `minion`; a target that cannot be evaluated is an error and selects nothing. */
export function selectTargets(targets: readonly TopTarget[], minion: Minion, opts: SelectOptions = {}): Selection {
  const matches: Record<string, MatchedSls[]> = {};
  const errors: ErrorData[] = [];
  const add = (env: string, s: MatchedSls): void => {
    const list = (matches[env] ??= []);
    if (!list.some((x) => x.sls === s.sls)) list.push(s);
  };
  const visit = (list: readonly TopTarget[]): void => {
    const ordered = opts.byOrder ? [...list].sort((a, b) => a.order - b.order) : list;
    for (const t of ordered) {
      let hit: boolean;
      try {
        hit = matchTarget(t.match, t.target, minion);
      } catch (err) {
        if (!(err instanceof TargetError)) throw err;
        errors.push({
          code: 'TOP',
          message: `target '${t.target}' (${t.match}): ${err.message}`,
          file: t.file,
          ...(t.line !== undefined ? { line: t.line } : {}),
        });
        continue;
      }
      if (!hit) continue;
      matches[t.saltenv] ??= [];
      for (const item of t.items) {
        if (item.kind === 'subfilter') visit(item.targets);
        else
          add(item.saltenv, {
            saltenv: item.saltenv,
            sls: item.sls,
            file: item.file,
            line: item.line,
            ignoreMissing: t.ignoreMissing,
          });
      }
    }
  };
  visit(targets);
  return { matches, errors };
}
