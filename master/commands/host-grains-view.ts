// The grains `halite show grains` prints for a host: what the host reported about itself on its
// last run (checked facts from the job store's inventory), with the roster grains and any --grain
// overrides on top — the roster decides id, level and roles, as everywhere on the master.
import { existsSync } from 'node:fs';
import type { Grains } from '../../agent/protocol.ts';
import { type GrainOverride, applyGrainOverrides, rosterGrains } from '../config/host-grains.ts';
import type { RosterHost } from '../config/roster.ts';
import type { Workspace } from '../config/workspace.ts';
import { JobStore } from '../jobs/store.ts';
import { GRAINS_ITEMS, mineFromStore } from '../pillar/inventory.ts';

function reported(ws: Workspace, host: RosterHost): Grains {
  if (!existsSync(ws.config.jobsDb)) return {};
  const store = JobStore.open(ws.config.jobsDb);
  try {
    const grains = mineFromStore(store, ws.roster.hosts)[host.id]?.[GRAINS_ITEMS];
    return grains && typeof grains === 'object' ? (grains as Grains) : {};
  } finally {
    store.close();
  }
}

export function hostGrains(ws: Workspace, host: RosterHost, overrides: readonly GrainOverride[] = []): Grains {
  return applyGrainOverrides({ ...reported(ws, host), ...rosterGrains(host) }, overrides);
}
