// The arguments of file.managed (file.recurse hands each of its files to it).
import type { ArgsOf } from '../arg-decl.ts';
import { fileArgs } from './args.ts';

const MANAGED_NAMES = [
  'source',
  'source_hash',
  'source_hash_name',
  'keep_source',
  'user',
  'group',
  'mode',
  'attrs',
  'template',
  'makedirs',
  'dir_mode',
  'context',
  'replace',
  'defaults',
  'backup',
  'show_changes',
  'create',
  'contents',
  'tmp_dir',
  'tmp_ext',
  'contents_pillar',
  'contents_grains',
  'contents_newline',
  'contents_delimiter',
  'encoding',
  'encoding_errors',
  'allow_empty',
  'follow_symlinks',
  'check_cmd',
  'skip_verify',
  'selinux',
  'win_owner',
  'win_perms',
  'win_deny_perms',
  'win_inheritance',
  'win_perms_reset',
  'verify_ssl',
  'use_etag',
  'file_mode',
] as const;

export const MANAGED_ARGS = fileArgs(MANAGED_NAMES, {
  source: { type: 'str_or_list' },
  file_mode: { type: 'any', doc: 'Not an option of file.managed: ignored with a warning (mode sets the permissions)' },
});
export type ManagedArgs = ArgsOf<typeof MANAGED_ARGS>;
