// The arguments of the file functions, declared once by Salt's name: each function picks its
// own, naming those it accepts without acting upon them.
import type { ArgDecl } from '../arg-decl.ts';

const WINDOWS = 'Windows only';
const REMOTE = 'sources are salt:// files of the tree or local files, never fetched over the network';
const BACKUP = 'every file replaced or deleted is kept in the backup store (halite-agent backups)';
const NO_HASH = 'only file.managed checks a hash';

const CATALOG = {
  source: { type: 'any', doc: 'Where the contents come from: salt://path, or a list tried in order' },
  source_hash: {
    type: 'string',
    doc: 'The hash the source must have: sha256=HEX, a bare hex digest, or a hash file (salt:// or a local path)',
  },
  source_hashes: { type: 'items', doc: 'The hashes of sources', unsupported: NO_HASH },
  source_hash_name: { type: 'string', doc: 'The file name whose line of the hash file holds the hash' },
  sources: { type: 'items', doc: 'Several sources whose contents are used' },
  keep_source: {
    type: 'bool',
    default: true,
    doc: 'Keep a cached copy of a remote source',
    unsupported: 'nothing is cached',
  },
  skip_verify: { type: 'bool', default: false, doc: 'Skip the source_hash check' },
  verify_ssl: { type: 'bool', default: true, doc: 'Verify TLS of a remote source', unsupported: REMOTE },
  use_etag: { type: 'bool', default: false, doc: 'Use HTTP ETags for a remote source', unsupported: REMOTE },
  user: { type: 'string', doc: 'The owner' },
  group: { type: 'string', doc: 'The group' },
  mode: { type: 'mode', doc: 'The permissions (0644); keep: those of the source' },
  dir_mode: { type: 'mode', doc: 'The permissions of directories' },
  file_mode: { type: 'mode', doc: 'The permissions of files' },
  sym_mode: { type: 'mode', doc: 'The permissions of symlinks', unsupported: 'symlinks have no permissions on Linux' },
  attrs: { type: 'string', doc: 'The attributes chattr sets (i, a, A…): exactly these, the others removed' },
  selinux: { type: 'mapping', doc: 'The SELinux context', unsupported: 'SELinux contexts are not managed' },
  template: { type: 'string', doc: 'Render the contents with this engine (jinja)' },
  context: { type: 'mapping', doc: 'Template variables, over defaults' },
  defaults: { type: 'mapping', doc: 'Template variables' },
  makedirs: { type: 'bool', default: false, doc: 'Create missing parent directories' },
  replace: { type: 'bool', default: true, doc: 'Replace the contents of an existing file' },
  backup: { type: 'string', default: '', doc: 'Keep a backup of the file changed', unsupported: BACKUP },
  show_changes: { type: 'bool', default: true, doc: 'Show a diff in the changes (else only that it changed)' },
  create: { type: 'bool', default: true, doc: 'Create the file when missing' },
  contents: { type: 'any', doc: 'The contents: a string, or a list of lines' },
  contents_pillar: { type: 'any', doc: 'The contents from this pillar key (or keys, joined by newlines)' },
  contents_grains: { type: 'any', doc: 'The contents from this grain key (or keys, joined by newlines)' },
  contents_newline: { type: 'bool', default: true, doc: 'End the contents with a newline' },
  contents_delimiter: { type: 'string', default: ':', doc: 'The delimiter of nested keys in contents_pillar/grains' },
  tmp_dir: {
    type: 'string',
    default: '',
    doc: "The directory of check_cmd's temporary file (default: the system's temporary directory)",
  },
  tmp_ext: { type: 'string', default: '', doc: "The suffix of check_cmd's temporary file (.conf)" },
  encoding: {
    type: 'string',
    doc: 'The encoding contents are written in (a Python codec name: utf-8, latin-1, ascii, utf-16…)',
  },
  encoding_errors: {
    type: 'string',
    default: 'strict',
    doc: 'What an unencodable character does: strict (fails), replace, ignore, xmlcharrefreplace, backslashreplace',
  },
  allow_empty: { type: 'bool', default: true, doc: 'Allow contents_pillar/grains/contents to be empty' },
  follow_symlinks: { type: 'bool', default: true, doc: 'Manage the file a symlink points to, not the link' },
  check_cmd: {
    type: 'string',
    doc: "A command that must accept the new file (its temporary file's path is appended) before it is put in place",
  },
  win_owner: { type: 'string', doc: 'The owner on Windows', unsupported: WINDOWS },
  win_perms: { type: 'mapping', doc: 'Permissions on Windows', unsupported: WINDOWS },
  win_deny_perms: { type: 'mapping', doc: 'Denied permissions on Windows', unsupported: WINDOWS },
  win_inheritance: { type: 'bool', default: true, doc: 'Inherited permissions on Windows', unsupported: WINDOWS },
  win_perms_reset: { type: 'bool', default: false, doc: 'Reset permissions on Windows', unsupported: WINDOWS },
  recurse: {
    type: 'any',
    doc: 'What to apply to everything below: a list of user, group, mode, ignore_files, ignore_dirs, silent',
  },
  max_depth: { type: 'int', doc: 'How deep recurse goes' },
  clean: { type: 'bool', default: false, doc: 'Remove files below that are not managed' },
  exclude_pat: { type: 'string', doc: 'A glob (or E@regex) of files clean keeps' },
  include_pat: { type: 'string', doc: 'A glob (or E@regex) of the source files copied' },
  force: { type: 'bool', default: false, doc: 'Replace a file or directory in the way' },
  backupname: { type: 'string', doc: 'With force: move what is in the way here instead of deleting it' },
  allow_symlink: { type: 'bool', default: true, doc: 'A symlink to a directory counts as the directory' },
  children_only: {
    type: 'bool',
    default: false,
    doc: 'Apply ownership and mode to the contents, not the directory itself',
  },
  text: { type: 'any', doc: 'The text to append: a string or a list of lines' },
  ignore_whitespace: { type: 'bool', default: true, doc: 'Text found with other whitespace counts as present' },
  marker_start: { type: 'string', default: '#-- start managed zone --', doc: 'The line that starts the block' },
  marker_end: { type: 'string', default: '#-- end managed zone --', doc: 'The line that ends the block' },
  content: { type: 'any', doc: 'The text of the block or line' },
  append_if_not_found: { type: 'bool', default: false, doc: 'Append when not found' },
  prepend_if_not_found: { type: 'bool', default: false, doc: 'Prepend when not found' },
  append_newline: { type: 'bool', doc: 'End the block with a newline' },
  insert_before_match: { type: 'string', doc: 'Without markers, insert before the line matching this' },
  insert_after_match: { type: 'string', doc: 'Without markers, insert after the line matching this' },
  regex: { type: 'string', doc: 'The lines to (un)comment (a Python regular expression)' },
  char: { type: 'string', default: '#', doc: 'The comment character' },
  ignore_missing: { type: 'bool', default: false, doc: 'Succeed when no line matches' },
  key: { type: 'string', doc: 'The key' },
  value: { type: 'any', doc: 'The value of key' },
  key_values: { type: 'mapping', doc: 'Several keys and their values' },
  separator: { type: 'string', default: '=', doc: 'Between key and value' },
  search_only: {
    type: 'bool',
    default: false,
    doc: 'Only look: the state fails when a key does not have its value, and the file is never changed',
  },
  ignore_if_missing: { type: 'bool', default: false, doc: 'Succeed when the file does not exist' },
  count: { type: 'int', doc: 'How many occurrences to change' },
  uncomment: { type: 'string', doc: 'Uncomment a commented key with this comment character' },
  key_ignore_case: { type: 'bool', default: false, doc: 'Keys match whatever their case' },
  value_ignore_case: { type: 'bool', default: false, doc: 'Values match whatever their case' },
  match: { type: 'string', doc: 'The line to act upon (a regular expression)' },
  location: { type: 'string', doc: 'With mode insert and no before/after: start or end' },
  before: { type: 'string', doc: 'The line before which to insert (a regular expression)' },
  after: { type: 'string', doc: 'The line after which to insert (a regular expression)' },
  quiet: { type: 'bool', default: false, doc: 'No diff in the changes', unsupported: 'use show_changes' },
  indent: { type: 'bool', default: true, doc: 'Keep the indentation of the line replaced' },
  maxdepth: { type: 'int', doc: 'How deep the source tree is copied' },
  include_empty: { type: 'bool', default: false, doc: 'Copy empty directories too', unsupported: 'not implemented' },
  keep_symlinks: { type: 'bool', default: false, doc: 'Copy symlinks as symlinks', unsupported: 'not implemented' },
  force_symlinks: {
    type: 'bool',
    default: false,
    doc: 'Replace what is in the way of a symlink',
    unsupported: 'not implemented',
  },
  pattern: { type: 'string', doc: 'What to replace (a Python regular expression)' },
  repl: { type: 'string', doc: 'What to replace it with (\\1 back-references)' },
  flags: {
    type: 'any',
    doc: 'Regular expression flags: a number or a list of names (IGNORECASE, MULTILINE); Salt: 8, MULTILINE',
  },
  bufsize: {
    type: 'any',
    default: 1,
    doc: 'How much of the file is searched at a time',
    unsupported: 'the whole file is searched',
  },
  not_found_content: { type: 'string', doc: 'What append/prepend_if_not_found add (default: repl)' },
  backslash_literal: { type: 'bool', default: false, doc: 'Backslashes in repl are literal' },
  target: { type: 'string', doc: 'What the symlink points to' },
  atomic: { type: 'bool', default: false, doc: 'Replace an existing link atomically (halite always does)' },
  disallow_copy_and_unlink: {
    type: 'bool',
    default: false,
    doc: 'A backupname on another file system fails the state instead of being copied and unlinked',
  },
  inherit_user_and_group: {
    type: 'bool',
    default: false,
    doc: "Take the target's owner and group",
    unsupported: 'not implemented',
  },
  atime: { type: 'number', doc: 'The access time to set (seconds since the epoch)' },
  mtime: { type: 'number', doc: 'The modification time to set (seconds since the epoch)' },
} as const satisfies Readonly<Record<string, ArgDecl>>;

type Catalog = typeof CATALOG;
/** The name of an argument of the file functions. */
export type FileArgName = keyof Catalog;
type Changes<K extends FileArgName> = { readonly [N in K]?: Partial<ArgDecl> };
/** No changes: the declarations as catalogued. */
type Unchanged = Readonly<Record<never, Partial<ArgDecl>>>;
/** The declarations picked, each with its changes laid over it (so ArgsOf sees a changed type or default). */
type Picked<K extends FileArgName, C extends Changes<K>> = {
  readonly [N in K]: N extends keyof C ? Omit<Catalog[N], keyof C[N]> & C[N] : Catalog[N];
};

/** The arguments of the functions that add text from sources (append, blockreplace), and their types there. */
export const TEXT_SOURCES = [
  'source',
  'source_hash',
  'template',
  'sources',
  'source_hashes',
  'defaults',
  'context',
] as const;
export const TEXT_SOURCE_TYPES = {
  source: { type: 'string' },
  sources: { type: 'list' },
  source_hash: { unsupported: NO_HASH },
} as const;

/** The declarations of `names` from the catalogue, with `changes` over them (a different type, required…). */
export function fileArgs<const K extends FileArgName, const C extends Changes<K> = Unchanged>(
  names: readonly K[],
  changes?: C,
): Picked<K, C> {
  const out: Record<string, ArgDecl> = {};
  for (const n of names) out[n] = { ...CATALOG[n], ...(changes?.[n] ?? {}) };
  return out as Picked<K, C>;
}
