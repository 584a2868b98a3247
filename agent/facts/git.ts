// Git facts: what a remote offers (`git ls-remote`) and what a checkout holds.

export interface RemoteRef {
  sha: string;
  ref: string;
}

/** Parses `git ls-remote` output (sha<TAB>ref lines). */
export function parseLsRemote(text: string): RemoteRef[] {
  return text
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((f) => f.length === 2 && /^[0-9a-f]{40,64}$/.test(f[0]))
    .map(([sha, ref]) => ({ sha, ref }));
}

export type RevType = 'head' | 'branch' | 'tag' | 'sha1';

/**
 * Resolves `rev` against the remote's refs: HEAD, a branch, a tag (peeled to its commit),
 * or a full commit id taken as is. Undefined when the remote has no such ref.
 */
export function resolveRemoteRev(refs: RemoteRef[], rev: string): { sha: string; type: RevType } | undefined {
  const find = (ref: string): string | undefined => refs.find((r) => r.ref === ref)?.sha;
  if (rev === 'HEAD') {
    const sha = find('HEAD');
    return sha ? { sha, type: 'head' } : undefined;
  }
  const branch = find(`refs/heads/${rev.replace(/^refs\/heads\//, '')}`);
  if (branch) return { sha: branch, type: 'branch' };
  const tag = rev.replace(/^refs\/tags\//, '');
  const peeled = find(`refs/tags/${tag}^{}`) ?? find(`refs/tags/${tag}`);
  if (peeled) return { sha: peeled, type: 'tag' };
  if (/^[0-9a-f]{40}$/.test(rev) || /^[0-9a-f]{64}$/.test(rev)) return { sha: rev, type: 'sha1' };
  return undefined;
}

/** The branch the remote's HEAD points to, from `git ls-remote --symref URL HEAD`. */
export function parseSymref(text: string): string | undefined {
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(text);
  return m?.[1];
}

export const shortSha = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : 'None');
