// The state functions halite provides, by module, with Salt's names.
// The compiler rejects any other `module.function` with UNKNOWN_FUNCTION; the requisite
// resolver asks hasModWatch() to decide whether `watch` can trigger a module's mod_watch.

export const STATE_FUNCTIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  pkg: ['installed', 'latest', 'removed', 'purged'],
  pkgrepo: ['managed', 'absent'],
  service: ['running', 'dead', 'enabled', 'disabled', 'mod_watch'],
  file: [
    'managed',
    'directory',
    'absent',
    'symlink',
    'exists',
    'missing',
    'touch',
    'recurse',
    'append',
    'replace',
    'comment',
    'uncomment',
    'line',
    'blockreplace',
    'keyvalue',
  ],
  cmd: ['run', 'wait', 'watch', 'script', 'wait_script', 'mod_watch'],
  user: ['present', 'absent'],
  group: ['present', 'absent'],
  ssh_auth: ['present', 'absent'],
  cron: ['present', 'absent', 'env_present', 'env_absent'],
  git: ['latest'],
  pip: ['installed', 'removed'],
  npm: ['installed', 'removed'],
  gem: ['installed', 'removed'],
  pecl: ['installed', 'removed'],
  sysctl: ['present'],
  host: ['present', 'absent'],
  debconf: ['set'],
  locale: ['system', 'present'],
  timezone: ['system'],
  alternatives: ['install', 'remove', 'set', 'auto'],
  archive: ['extracted'],
  mount: ['mounted', 'unmounted', 'mod_watch'],
  test: [
    'nop',
    'succeed_without_changes',
    'succeed_with_changes',
    'fail_without_changes',
    'fail_with_changes',
    'configurable_test_state',
    'show_notification',
    'mod_watch',
  ],
});

export function isKnownModule(state: string): boolean {
  return Object.prototype.hasOwnProperty.call(STATE_FUNCTIONS, state);
}

export function isKnownStateFunction(state: string, fun: string): boolean {
  return isKnownModule(state) && STATE_FUNCTIONS[state].includes(fun);
}

/** Whether `watch` on a state of this module runs its mod_watch (otherwise watch acts as require). */
export function hasModWatch(state: string): boolean {
  return isKnownStateFunction(state, 'mod_watch');
}

/** A one-line explanation for an unknown `state.fun`, listing what the module does provide. */
export function unknownFunctionHint(state: string): string {
  if (!isKnownModule(state)) return `there is no state module '${state}'`;
  const funs = STATE_FUNCTIONS[state].filter((f) => !f.startsWith('mod_'));
  return `module '${state}' provides ${funs.join(', ')}`;
}
