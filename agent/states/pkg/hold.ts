// `hold: true|false` on pkg.installed: the dpkg selection is set to hold (or back to
// install) with apt-mark, after any installation.
import { markArgv, runApt, failureText } from '../../backends/apt.ts';
import type { DpkgDb } from '../../facts/dpkg.ts';
import type { Changes, StateContext } from '../types.ts';

export interface HoldOps {
  hold: boolean;
  names: string[];
}

/** Packages whose selection differs from the wanted one (packages about to be installed count as unheld). */
export function holdsToChange(names: readonly string[], db: DpkgDb, hold: boolean): HoldOps | undefined {
  const change = names.filter((n) => (db.installed.get(n)?.want === 'hold') !== hold);
  return change.length ? { hold, names: change } : undefined;
}

export function holdChanges(ops: HoldOps): Changes {
  return Object.fromEntries(ops.names.map((n) => [n, ops.hold ? { old: '', new: 'hold' } : { old: 'hold', new: '' }]));
}

export function holdPlanComment(ops: HoldOps): string {
  return ops.names.map((n) => `Package ${n} is set to be ${ops.hold ? 'held' : 'unheld'}.`).join(' ');
}

export async function applyHolds(ops: HoldOps, ctx: StateContext): Promise<{ ok: boolean; comment: string }> {
  const r = await runApt(ctx.run, markArgv(ops.names, ops.hold));
  ctx.facts.invalidate('dpkg');
  if (r.code !== 0)
    return { ok: false, comment: `An error was encountered while holding/unholding package(s): ${failureText(r)}` };
  return {
    ok: true,
    comment: ops.names
      .map((n) => (ops.hold ? `Package ${n} is now being held.` : `Package ${n} is no longer being held.`))
      .join(' '),
  };
}
