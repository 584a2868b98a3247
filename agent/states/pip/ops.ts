// What pip.installed's apply is handed by its check.
import type { Installed } from '../../backends/pip.ts';
import type { PipTarget } from './requirement.ts';
import type { PipSession } from './session.ts';

export interface PipInstallOps {
  session: PipSession;
  argv: string[];
  /** A salt:// requirements file's text, written to a scratch file for the run (scratch.ts). */
  text?: string;
  /** The user pip runs as, who must be able to read that file. */
  user?: string;
  requirements?: string;
  targets: PipTarget[];
  before: Map<string, Installed>;
  /** Comments of targets already installed, reported with the outcome. */
  already: string[];
  /** Reinstalled on purpose (force_reinstall, ignore_installed): reported even at the same version. */
  forced: boolean;
  /** pip --target: where pip list looks afterwards. */
  path?: string;
}
