// The arguments of the pkg functions, with Salt's names and defaults. Those Salt gives meaning
// only with other package managers are accepted and reported as not supported.
import { declareArgs } from '../arg-decl.ts';

const APT = 'no meaning with apt';
const NOT_HERE = 'not implemented for apt';

const TARGETS = {
  version: { type: 'string', doc: 'The version wanted (1.2-3, or a comparison such as >=1.2)' },
  pkgs: { type: 'items', doc: 'Several packages instead of name: names, or {name: version} entries' },
} as const;

const COMMON = {
  refresh: { type: 'bool', doc: 'Run apt-get update first (default: only when the package lists are missing)' },
  fromrepo: { type: 'string', doc: 'Install from this release (apt-get -t)' },
  skip_verify: { type: 'bool', default: false, doc: 'Skip GPG verification', unsupported: APT },
  install_recommends: { type: 'bool', doc: 'Install recommended packages (default: apt configuration)' },
  only_upgrade: {
    type: 'bool',
    default: false,
    doc: 'Only upgrade packages already installed (apt-get --only-upgrade; the others fail the state)',
  },
  cache_valid_time: { type: 'seconds', doc: 'Skip apt-get update when the lists were updated less than this ago' },
} as const;

export const INSTALLED_ARGS = declareArgs({
  ...TARGETS,
  ...COMMON,
  sources: { type: 'items', doc: 'Packages from .deb files or URLs; the state fails: not supported with apt' },
  allow_updates: { type: 'bool', default: false, doc: 'A newer version than the one asked for is good enough' },
  hold: { type: 'bool', doc: 'Hold (true) or unhold (false) the packages (apt-mark)' },
  skip_suggestions: {
    type: 'bool',
    default: false,
    doc: 'Skip suggestions for packages not found',
    unsupported: NOT_HERE,
  },
  pkg_verify: { type: 'bool', default: false, doc: 'Verify installed files (rpm -V)', unsupported: APT },
  normalize: { type: 'bool', default: true, doc: 'Normalize architecture suffixes in names', unsupported: APT },
  ignore_epoch: { type: 'bool', doc: 'Compare versions without their epoch' },
  reinstall: { type: 'bool', default: false, doc: 'Install again packages already as asked for (apt-get --reinstall)' },
  update_holds: {
    type: 'bool',
    default: false,
    doc: 'Change the version of held packages (without it, the state refuses to)',
  },
  resolve_capabilities: { type: 'bool', default: false, doc: 'Resolve capabilities (zypper)', unsupported: APT },
  bypass_file: { type: 'string', doc: 'Succeed without looking when this file exists' },
  bypass_file_contains: { type: 'string', doc: 'With bypass_file: only when the file contains this text' },
});

export const LATEST_ARGS = declareArgs({
  pkgs: TARGETS.pkgs,
  ...COMMON,
  sources: { type: 'items', doc: 'Packages from .deb files or URLs; the state fails: not supported with apt' },
  watch_flags: { type: 'bool', default: true, doc: 'Make a watch upgrade the packages', unsupported: NOT_HERE },
  report_reboot_exit_codes: {
    type: 'bool',
    default: true,
    doc: 'Report reboot exit codes (Windows)',
    unsupported: 'Windows only',
  },
});

export const REMOVED_ARGS = declareArgs({
  ...TARGETS,
  normalize: INSTALLED_ARGS.normalize,
  ignore_epoch: INSTALLED_ARGS.ignore_epoch,
});
