// What the API's routes work with.
import type { JobStore } from '../jobs/store.ts';
import type { EventBus } from './events.ts';
import type { JobLauncher, LaunchEnv } from './launcher.ts';
import type { Metrics } from './metrics.ts';
import type { TokenStore } from './tokens.ts';

export interface ApiContext {
  store: JobStore;
  tokens: TokenStore;
  bus: EventBus;
  launcher: JobLauncher;
  metrics: Metrics;
  launch: LaunchEnv;
}
