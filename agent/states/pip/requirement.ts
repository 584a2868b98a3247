// What a pip.installed target names: `Django >= 1.6, <= 1.7`, `requests[socks]==2.31`,
// `name @ file:///…`, a wheel file (its name and version are in the file name), or a path or URL
// whose project only pip can tell (installed every run, as Salt does).
import { parseSpecifiers, type Specifier } from '../../util/pep440.ts';
import { canonicalName } from '../../backends/pip.ts';
import { isDict } from '../args.ts';

export interface PipTarget {
  /** As written in the state (and handed to pip, commas turned to pip's form). */
  text: string;
  /** The project name, '' when unknown before installing (a URL or an sdist path). */
  project: string;
  /** Canonical project name ('' when unknown). */
  key: string;
  specs: Specifier[];
}

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;
/** {distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl */
const WHEEL = /(?:^|\/)([A-Za-z0-9_.]+)-([A-Za-z0-9_.!+]+)(?:-\d[^-]*)?-[^-/]+-[^-/]+-[^-/]+\.whl$/;

const target = (text: string, project: string, specs: Specifier[] = []): PipTarget => ({
  text,
  project,
  key: project ? canonicalName(project) : '',
  specs,
});

/** A `pkgs` entry or `name`: the target, or Salt's comment for one pip would refuse. */
export function parseTarget(raw: unknown): PipTarget | { error: string } {
  let text: string;
  if (typeof raw === 'string' || typeof raw === 'number') text = String(raw).trim();
  else if (isDict(raw) && Object.keys(raw).length === 1) {
    // Salt joins a one-key mapping as "name spec": {django: '>=1.6'}; a bare version means ==
    const [name, spec] = Object.entries(raw)[0];
    const s = spec === null || spec === undefined ? '' : String(spec).trim();
    text = s && /^[\d]/.test(s) ? `${name}==${s}` : `${name}${s}`;
  } else return { error: `Invalid package specification: ${JSON.stringify(raw)}` };
  if (!text) return { error: 'No package name given' };
  const wheel = WHEEL.exec(text);
  if (wheel) return target(text, wheel[1], [{ op: '==', version: wheel[2] }]);
  const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*@\s*\S/.exec(text);
  if (direct) return target(text, direct[1]);
  if (/^(\.|\/|~)|:\/\/|^(git|hg|svn|bzr)\+/.test(text)) return target(text, '');
  const m = NAME.exec(text.split(';')[0].trim());
  if (!m) return { error: `pip raised an exception while parsing '${text}': invalid requirement` };
  const rest = m[3].replace(/^\(|\)$/g, '').trim();
  const specs = parseSpecifiers(rest);
  if (!specs) {
    if (/(^|[^=!<>~])=([^=]|$)/.test(rest))
      return { error: `Invalid version specification in package ${text}. '=' is not supported, use '==' instead.` };
    return { error: `pip raised an exception while parsing '${text}': invalid version specifier '${rest}'` };
  }
  return target(text, m[1], specs);
}
