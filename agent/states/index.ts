// All state modules: module name → functions. The executor looks functions up here.
import type { StateFunction, StateModule } from './types.ts';
import testModule from './test.ts';
import cmdModule from './cmd.ts';
import fileModule from './file/index.ts';
import pkgModule from './pkg/index.ts';
import pkgrepoModule from './pkgrepo.ts';
import debconfModule from './debconf.ts';
import serviceModule from './service.ts';
import userModule from './user.ts';
import groupModule from './group.ts';
import sshAuthModule from './ssh_auth.ts';
import hostModule from './host.ts';
import sysctlModule from './sysctl.ts';
import cronModule from './cron.ts';
import gitModule from './git.ts';
import timezoneModule from './timezone.ts';
import localeModule from './locale.ts';
import alternativesModule from './alternatives.ts';
import archiveModule from './archive.ts';
import mountModule from './mount.ts';
import pipModule from './pip/index.ts';
import npmModule from './npm.ts';
import gemModule from './gem.ts';
import peclModule from './pecl.ts';

export const modules: Readonly<Record<string, StateModule>> = {
  test: testModule,
  cmd: cmdModule,
  file: fileModule,
  pkg: pkgModule,
  pkgrepo: pkgrepoModule,
  debconf: debconfModule,
  service: serviceModule,
  user: userModule,
  group: groupModule,
  ssh_auth: sshAuthModule,
  host: hostModule,
  sysctl: sysctlModule,
  cron: cronModule,
  git: gitModule,
  timezone: timezoneModule,
  locale: localeModule,
  alternatives: alternativesModule,
  archive: archiveModule,
  mount: mountModule,
  pip: pipModule,
  npm: npmModule,
  gem: gemModule,
  pecl: peclModule,
};

/** The function for `state.fun` (e.g. file, managed), or undefined when no module provides it. */
export function stateFunction(state: string, fun: string): StateFunction | undefined {
  const mod = Object.prototype.hasOwnProperty.call(modules, state) ? modules[state] : undefined;
  return mod && Object.prototype.hasOwnProperty.call(mod, fun) ? mod[fun] : undefined;
}

/** Every known `state.fun` name, sorted. */
export function knownFunctions(): string[] {
  return Object.entries(modules)
    .flatMap(([m, funs]) => Object.keys(funs).map((f) => `${m}.${f}`))
    .sort();
}
