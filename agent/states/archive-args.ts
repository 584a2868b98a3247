// archive.extracted's arguments, Salt 3008's list: each acted upon, or declared unsupported with
// the reason the result reports.
import { declareArgs } from './arg-decl.ts';

const GPG = 'signature verification is not implemented; the state fails rather than extract an unverified archive';

export const EXTRACTED_ARGS = declareArgs({
  source: {
    type: 'str_or_list',
    required: true,
    doc: 'The archive: salt://path or a local absolute path (a list: the first that exists)',
  },
  source_hash: {
    type: 'string',
    doc: 'The hash the archive must have: hex (type from length), type=hex, or a salt:// or local hash file',
  },
  source_hash_name: { type: 'string', doc: 'The file name to look up in a source_hash file' },
  source_hash_update: {
    type: 'bool',
    default: false,
    doc: 'Extract again when source_hash differs from the one recorded at the last extraction',
  },
  skip_files_list_verify: {
    type: 'bool',
    default: false,
    doc: 'Skip comparing the archive listing with the target',
    unsupported: 'the listing is always compared with the target directory',
  },
  skip_verify: {
    type: 'bool',
    default: false,
    doc: 'Skip checking source_hash for downloaded sources',
    unsupported: 'sources are never downloaded here; a given source_hash is always checked',
  },
  password: { type: 'string', doc: 'Password of an encrypted zip archive (not supported: the state fails)' },
  options: { type: 'string', doc: "Extra options for tar (a first word of letters joins 'x') or unzip" },
  list_options: { type: 'string', doc: 'Extra options for listing a tar archive (tar -t)' },
  force: {
    type: 'bool',
    default: false,
    doc: 'Remove paths of the wrong type (a file where the archive has a directory…) before extracting',
  },
  overwrite: { type: 'bool', default: false, doc: 'Extract even when every file is already present' },
  clean: {
    type: 'bool',
    default: false,
    doc: "Remove the archive's top-level files and directories from the target before extracting",
  },
  clean_parent: {
    type: 'bool',
    default: false,
    doc: 'Remove the whole target directory before extracting',
  },
  user: { type: 'string', doc: 'Owner of the extracted files (recursively, from the top-level paths)' },
  group: { type: 'string', doc: 'Group of the extracted files' },
  if_missing: { type: 'string', doc: 'Extract only when this path does not exist' },
  trim_output: {
    type: 'any',
    default: false,
    doc: 'true: list only the first 100 extracted files in the changes; a number: that many',
  },
  use_cmd_unzip: {
    type: 'bool',
    doc: 'Use the unzip command for zip archives',
    unsupported: 'zip archives are always extracted with the unzip command',
  },
  extract_perms: {
    type: 'bool',
    default: true,
    doc: 'Keep the permissions stored in a zip archive',
    unsupported: 'unzip always keeps the permissions stored in the archive',
  },
  enforce_toplevel: {
    type: 'bool',
    default: true,
    doc: 'Refuse an archive that does not hold a single top-level directory',
  },
  enforce_ownership_on: {
    type: 'string',
    doc: 'The path (inside name) whose ownership user/group set, instead of the top-level paths',
  },
  archive_format: { type: 'string', doc: 'tar or zip (rar is not supported); guessed from the source when unset' },
  keep_source: {
    type: 'bool',
    default: true,
    doc: 'Keep a copy of a salt:// archive in /var/cache/halite/archives after extracting',
  },
  keep: { type: 'bool', doc: 'Old name of keep_source (keep_source wins)' },
  use_etag: {
    type: 'bool',
    default: false,
    doc: 'Use HTTP ETags for remote sources',
    unsupported: 'sources are never downloaded here',
  },
  signature: { type: 'any', doc: 'A GPG signature of the archive', unsupported: GPG },
  source_hash_sig: { type: 'any', doc: 'A GPG signature of the source_hash file', unsupported: GPG },
  signed_by_any: { type: 'any', doc: 'Keys any of which must have signed', unsupported: GPG },
  signed_by_all: { type: 'any', doc: 'Keys all of which must have signed', unsupported: GPG },
  keyring: { type: 'string', doc: 'Keyring for signature checks', unsupported: GPG },
  gnupghome: { type: 'string', doc: 'GnuPG home for signature checks', unsupported: GPG },
});
