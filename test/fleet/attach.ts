// Finding fleets that are up, from any process.
import { join } from 'node:path';
import { FleetError } from './errors.ts';
import { Fleet } from './fleet.ts';
import { listFleets, readState, stateRoot } from './state.ts';

/** A handle on fleet `name` (default "default"), which another process may have brought up. */
export function attach(name = 'default', opts: { stateRoot?: string } = {}): Fleet {
  const state = readState(join(stateRoot(opts.stateRoot), name));
  if (!state) throw new FleetError(`fleet "${name}" is not up`, { step: 'attach' });
  return new Fleet(state);
}

/** Names of the fleets with state on this machine (up, or left over from a crash). */
export function fleetNames(opts: { stateRoot?: string } = {}): string[] {
  return listFleets(stateRoot(opts.stateRoot));
}
