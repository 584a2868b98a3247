// What a render sees besides the template: the host's grains and pillar, its saltenv, mine data,
// the inventory, options and extra salt functions.
import type { Grains, InventoryHost, Pillar, MineData } from '../protocol.ts';

export interface RenderContext {
  grains: Grains;
  pillar: Pillar;
  saltenv: string;
  mine?: MineData;
  /** The master's inventory (roster roles and levels, reported addresses). */
  inventory?: InventoryHost[];
  /** Master/agent options visible to config.get. */
  opts?: Record<string, unknown>;
  /**
   * Extra `salt['module.function']` callables (added to, or replacing, the built-in ones).
   * They are called with Python-style arguments: keyword arguments arrive as a trailing object
   * marked `__keywords` (see pyargs.ts).
   */
  functions?: Record<string, (...args: unknown[]) => unknown>;
  /** Where `salt['log.warning']`, `log.error`… write (debug and info are dropped, as at Salt's default level). */
  log?: (level: TemplateLogLevel, message: string) => void;
}

export type TemplateLogLevel = 'warning' | 'error' | 'critical';
