// What a target expression is matched against, and the error a malformed expression raises.
import type { Grains, Pillar } from '../protocol.ts';

/** The facts a matcher reads: the minion id and, for grain/pillar/ipcidr matchers, its data. */
export interface Minion {
  id: string;
  grains?: Grains;
  pillar?: Pillar;
}

/**
 * A target expression that cannot be evaluated: unknown matcher, bad compound syntax,
 * invalid regular expression or CIDR, missing delimiter. The message says what is wrong.
 */
export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

/** The separator between key levels in grain and pillar expressions. */
export const DEFAULT_DELIMITER = ':';
