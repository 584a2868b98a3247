// The arguments of pip.installed and pip.removed, with Salt's names and defaults. Options that
// pip itself dropped (use_wheel, mirrors, download_cache…) are declared so a tree that passes them
// is told they were ignored.
import { declareArgs } from '../arg-decl.ts';

const GONE = 'removed from pip itself (pip 10 and later)';

const COMMON_ARGS = {
  bin_env: {
    type: 'string',
    doc: 'A virtualenv directory (its bin/pip), or the path of a pip or python executable; default: python3 -m pip',
  },
  user: { type: 'string', doc: 'Run pip as this user' },
  cwd: { type: 'string', doc: 'The directory pip runs in' },
  log: { type: 'string', doc: 'pip --log: a file pip appends a verbose log to' },
  proxy: { type: 'string', doc: 'pip --proxy: [user:passwd@]proxy.server:port' },
  env_vars: { type: 'any', doc: 'Environment variables for pip (a mapping)' },
  use_vt: { type: 'bool', default: false, doc: 'Stream output through a terminal', unsupported: 'output is collected' },
} as const;

export const INSTALLED_ARGS = declareArgs({
  ...COMMON_ARGS,
  pkgs: {
    type: 'items',
    doc: "Several requirements instead of name ('Django>=4.2', {requests: '==2.31'}, a wheel path)",
  },
  requirements: {
    type: 'string',
    doc: 'A requirements file: a path on the host or salt://; name and pkgs are then ignored',
  },
  pip_bin: { type: 'string', doc: 'Deprecated name of bin_env' },
  upgrade: { type: 'bool', default: false, doc: 'Upgrade installed packages to the newest version the sources offer' },
  force_reinstall: { type: 'bool', default: false, doc: 'Reinstall even when already installed (every run)' },
  ignore_installed: { type: 'bool', default: false, doc: 'Install without looking at what is installed (every run)' },
  find_links: { type: 'str_or_list', doc: 'pip --find-links: directories or URLs to look for archives in' },
  index_url: { type: 'string', doc: 'pip --index-url: the package index' },
  extra_index_url: { type: 'str_or_list', doc: 'pip --extra-index-url: more indexes' },
  no_index: { type: 'bool', default: false, doc: 'pip --no-index: use find_links only' },
  no_deps: { type: 'bool', default: false, doc: 'pip --no-deps: do not install dependencies' },
  pre_releases: { type: 'bool', default: false, doc: 'pip --pre: consider pre-release versions' },
  target: { type: 'string', doc: 'pip --target: install into this directory (and look for installed packages there)' },
  exists_action: { type: 'string', doc: 'pip --exists-action: s(witch), i(gnore), w(ipe), b(ackup)' },
  install_options: { type: 'str_or_list', doc: 'pip --install-option, for each item' },
  global_options: { type: 'str_or_list', doc: 'pip --global-option, for each item' },
  no_binary: { type: 'str_or_list', doc: 'pip --no-binary: packages to build from source (:all: for every one)' },
  cert: { type: 'string', doc: 'pip --cert: a CA bundle' },
  trusted_host: { type: 'string', doc: 'pip --trusted-host: a host trusted without valid HTTPS' },
  no_cache_dir: { type: 'bool', default: false, doc: 'pip --no-cache-dir' },
  cache_dir: { type: 'string', doc: 'pip --cache-dir' },
  extra_args: {
    type: 'items',
    doc: "More pip install options: '--flag' strings or {'--option': value} mappings (e.g. --break-system-packages)",
  },
  editable: {
    type: 'string',
    doc: 'pip install -e: the state fails, an editable checkout cannot be checked before installing',
  },
  use_wheel: { type: 'bool', default: false, doc: 'Prefer wheels (pip 1.4 to 9.0.3); the state fails when true' },
  no_use_wheel: { type: 'bool', default: false, doc: 'Never use wheels (pip 1.4 to 9.0.3); the state fails when true' },
  mirrors: { type: 'str_or_list', doc: 'Mirror URLs', unsupported: GONE },
  build: { type: 'string', doc: 'Build directory', unsupported: GONE },
  download: { type: 'string', doc: 'Download instead of installing', unsupported: 'use pip download in cmd.run' },
  download_cache: { type: 'string', doc: 'Download cache directory', unsupported: GONE },
  source: { type: 'string', doc: 'Checkout directory of editable packages', unsupported: GONE },
  no_install: { type: 'bool', default: false, doc: 'Download and unpack only', unsupported: GONE },
  no_download: { type: 'bool', default: false, doc: 'Install already downloaded packages only', unsupported: GONE },
  no_chown: {
    type: 'bool',
    default: false,
    doc: 'Leave a copied requirements file to root',
    unsupported: 'no file is copied',
  },
  allow_all_external: { type: 'bool', default: false, doc: 'Allow external files', unsupported: GONE },
  allow_external: { type: 'string', doc: 'Allow these external files', unsupported: GONE },
  allow_unverified: { type: 'string', doc: 'Allow these unverifiable files', unsupported: GONE },
  process_dependency_links: { type: 'bool', default: false, doc: 'Follow dependency links', unsupported: GONE },
  repo: { type: 'string', doc: "Deprecated name of 'name'", unsupported: 'removed from Salt; use name' },
});

export const REMOVED_ARGS = declareArgs({
  ...COMMON_ARGS,
  requirements: {
    type: 'string',
    doc: 'A requirements file whose packages are removed too (pip uninstall -r)',
    unsupported: 'only name is checked and removed',
  },
});
