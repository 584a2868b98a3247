// locale.present: a locale generated (Debian: enabled in /etc/locale.gen, then locale-gen), known
// by `locale -a`. locale.system: the system locale, LANG in /etc/default/locale (what update-locale
// and localectl write). Comments and changes are Salt's.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { readOrEmpty, readText } from '../store/read-text.ts';
import {
  DEFAULT_LOCALE,
  enableLocaleGen,
  LOCALE_GEN,
  localeAvailable,
  setSystemLang,
  SUPPORTED,
  supportedLine,
  systemLang,
  validLocaleName,
} from '../facts/locale.ts';

const NO_ARGS = declareArgs({});

/** `locale -a`: the generated locales, or why they could not be listed. */
async function generatedLocales(ctx: StateContext): Promise<{ list: string } | { error: string }> {
  const r = await ctx.run(['locale', '-a'], { env: { LC_ALL: 'C' } });
  if (r.code !== 0) return { error: (r.stderr || r.error || `locale -a exited with ${r.code}`).trim() };
  return { list: r.stdout };
}

interface PresentOps {
  name: string;
  /** The SUPPORTED line to enable; undefined when SUPPORTED could not be read in test mode. */
  line?: string;
}

async function checkPresent(args: ArgsOf<typeof NO_ARGS>, ctx: StateContext): Promise<Plan<PresentOps>> {
  const name = args.name.trim();
  if (!validLocaleName(name)) return failed(`Invalid locale name '${name}'`);
  const have = await generatedLocales(ctx);
  if ('list' in have && localeAvailable(have.list, name)) return converged(`Locale ${name} is already present`);
  const supported = await readText(join(ctx.root, SUPPORTED));
  const line = supported === null ? undefined : supportedLine(supported, name);
  if (supported !== null && line === undefined)
    return failed(`Failed to generate locale ${name}: the locale is not found in ${SUPPORTED}`);
  if (supported === null && !ctx.test)
    return failed(`Failed to generate locale ${name}: ${SUPPORTED} is missing (is the locales package installed?)`);
  return pending({}, `Locale ${name} needs to be generated`, { name, ...(line ? { line } : {}) });
}

async function applyPresent(plan: Plan<PresentOps>, ctx: StateContext): Promise<Outcome> {
  const { name, line } = opsOf(plan);
  if (!line) return { result: false, changes: {}, comment: `Failed to generate locale ${name}` };
  const path = join(ctx.root, LOCALE_GEN);
  const text = await readOrEmpty(path);
  const next = enableLocaleGen(text, line);
  if (next !== text) {
    await writeFileAtomic(path, next);
    ctx.facts.invalidatePath(LOCALE_GEN);
  }
  const r = await ctx.run(['locale-gen'], { env: { LC_ALL: 'C' } });
  if (r.code !== 0) {
    const why = (r.stderr || r.stdout || r.error || `locale-gen exited with ${r.code}`).trim();
    return { result: false, changes: {}, comment: `Failed to generate locale ${name}: ${why}` };
  }
  return { changes: { locale: name }, comment: `Generated locale ${name}` };
}

export const present = defineState({
  doc: 'A locale is generated: enabled in /etc/locale.gen and built by locale-gen',
  args: NO_ARGS,
  check: checkPresent,
  apply: applyPresent,
});

interface SystemOps {
  name: string;
  text: string;
}

async function checkSystem(args: ArgsOf<typeof NO_ARGS>, ctx: StateContext): Promise<Plan<SystemOps>> {
  const name = args.name.trim();
  if (!validLocaleName(name) || name.includes(' ')) return failed(`Invalid locale name '${name}'`);
  const text = await readOrEmpty(join(ctx.root, DEFAULT_LOCALE));
  if (systemLang(text) === name) return converged(`System locale ${name} already set`);
  return pending({}, `System locale ${name} needs to be set`, { name, text: setSystemLang(text, name) });
}

async function applySystem(plan: Plan<SystemOps>, ctx: StateContext): Promise<Outcome> {
  const { name, text } = opsOf(plan);
  try {
    const path = join(ctx.root, DEFAULT_LOCALE);
    await fsp.mkdir(join(ctx.root, '/etc/default'), { recursive: true });
    await writeFileAtomic(path, text);
    ctx.facts.invalidatePath(DEFAULT_LOCALE);
  } catch (e) {
    return { result: false, changes: {}, comment: `Failed to set system locale to ${name}: ${(e as Error).message}` };
  }
  return { changes: { locale: name }, comment: `Set system locale ${name}` };
}

export const system = defineState({
  doc: 'The system locale: LANG in /etc/default/locale',
  args: NO_ARGS,
  check: checkSystem,
  apply: applySystem,
});

const localeModule: StateModule = { present, system };
export default localeModule;
