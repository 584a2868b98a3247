// The pkg state module (apt/dpkg backend): installed, latest, removed, purged.
import type { StateModule } from '../types.ts';
import { installed } from './installed.ts';
import { latest } from './latest.ts';
import { purged, removed } from './removed.ts';

const pkgModule: StateModule = { installed, latest, removed, purged };
export default pkgModule;
