// pip's command-line options from a pip.installed call, each as `--option=value` so a value never
// reads as another option.
import { isDict } from '../args.ts';

interface SourceArgs {
  find_links?: string[];
  index_url?: string;
  extra_index_url?: string[];
  no_index: boolean;
  pre_releases: boolean;
  proxy?: string;
  cert?: string;
  trusted_host?: string;
  no_cache_dir: boolean;
  cache_dir?: string;
}

interface InstallArgs extends SourceArgs {
  upgrade: boolean;
  force_reinstall: boolean;
  ignore_installed: boolean;
  no_deps: boolean;
  target?: string;
  exists_action?: string;
  no_binary?: string[];
  install_options?: string[];
  global_options?: string[];
  log?: string;
  extra_args?: unknown[];
}

/** Salt accepts find_links as a list or a comma-separated string. */
const commaList = (v: readonly string[] | undefined): string[] =>
  (v ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);

/** Where packages come from: shared by install, the dry run and the version query. */
export function sourceFlags(a: SourceArgs): string[] {
  const out: string[] = [];
  for (const l of commaList(a.find_links)) out.push(`--find-links=${l}`);
  if (a.index_url) out.push(`--index-url=${a.index_url}`);
  for (const u of commaList(a.extra_index_url)) out.push(`--extra-index-url=${u}`);
  if (a.no_index) out.push('--no-index');
  if (a.pre_releases) out.push('--pre');
  if (a.proxy) out.push(`--proxy=${a.proxy}`);
  if (a.cert) out.push(`--cert=${a.cert}`);
  if (a.trusted_host) out.push(`--trusted-host=${a.trusted_host}`);
  if (a.no_cache_dir) out.push('--no-cache-dir');
  if (a.cache_dir) out.push(`--cache-dir=${a.cache_dir}`);
  return out;
}

/** Salt's extra_args: '--flag' strings and {'--option': value} mappings, in order. */
function extraArgs(items: readonly unknown[] | undefined): string[] {
  const out: string[] = [];
  for (const item of items ?? []) {
    if (isDict(item)) {
      for (const [k, v] of Object.entries(item)) {
        out.push(k);
        if (v !== null && v !== undefined && v !== '' && v !== false) out.push(String(v));
      }
    } else if (item !== null && item !== undefined) out.push(String(item));
  }
  return out;
}

export function installFlags(a: InstallArgs): string[] {
  const out = sourceFlags(a);
  if (a.upgrade) out.push('--upgrade');
  if (a.force_reinstall) out.push('--force-reinstall');
  if (a.ignore_installed) out.push('--ignore-installed');
  if (a.no_deps) out.push('--no-deps');
  if (a.target) out.push(`--target=${a.target}`);
  if (a.exists_action) out.push(`--exists-action=${a.exists_action}`);
  if (a.no_binary?.length) out.push(`--no-binary=${a.no_binary.join(',')}`);
  for (const o of a.install_options ?? []) out.push(`--install-option=${o}`);
  for (const o of a.global_options ?? []) out.push(`--global-option=${o}`);
  if (a.log) out.push(`--log=${a.log}`);
  out.push(...extraArgs(a.extra_args));
  return out;
}
