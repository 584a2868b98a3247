// The pip state module: Python packages installed and removed with pip.
import type { StateModule } from '../types.ts';
import { installed } from './installed.ts';
import { removed } from './removed.ts';

const pipModule: StateModule = { installed, removed };
export default pipModule;
