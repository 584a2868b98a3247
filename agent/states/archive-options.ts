// archive.extracted's command lines: the archive format from the source's name, and the tar and
// unzip argv for listing and extracting, with the state's `options` read as Salt reads them.

export type ArchiveFormat = 'tar' | 'zip' | 'rar';

/** Salt's guess_archive_type: the format from a file name, or undefined. */
export function guessFormat(name: string): ArchiveFormat | undefined {
  const n = name.toLowerCase().replace(/\?.*$/, '');
  if (/\.(tar|tar\.(gz|bz2|xz|lzma|z|zst)|tgz|tbz2?|txz|tlz|taz)$/.test(n)) return 'tar';
  if (/\.zip$/.test(n)) return 'zip';
  if (/\.rar$/.test(n)) return 'rar';
  return undefined;
}

/** Splits an options string as a POSIX shell would split words (quotes and backslashes; no expansion). */
function splitWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (quote) throw new Error(`unbalanced quote in options: ${text}`);
  if (has) out.push(cur);
  return out;
}

/** `--strip-components N` (or `--strip=N`) in tar options, as Salt finds it; 0 when absent. */
export function stripComponents(options: string | undefined): number {
  const m = options ? /--strip(?:-components)?(?:\s+|=)["']?(\d+)["']?/.exec(options) : null;
  return m ? Number(m[1]) : 0;
}

/**
 * tar's extraction argv (Salt's rule: a first word without '-' holds short options added to `x`,
 * other words pass as they are); always verbose, so the extracted members are listed.
 */
export function tarExtractArgv(archive: string, dest: string, options: string | undefined): string[] {
  const words = options ? splitWords(options) : [];
  let short = 'xv';
  const rest: string[] = [];
  words.forEach((w, i) => {
    if (i === 0 && !w.startsWith('-')) short += w.replace(/[xfv]/g, '');
    else rest.push(w);
  });
  return ['tar', `-${short}`, ...rest, '-f', archive, '-C', dest];
}

export function tarListArgv(archive: string, listOptions: string | undefined): string[] {
  return ['tar', '-t', '-v', '--numeric-owner', ...(listOptions ? splitWords(listOptions) : []), '-f', archive];
}

export function zipListArgv(archive: string): string[] {
  return ['unzip', '-Z', '-T', archive];
}

/** unzip overwriting what is there (as Salt's extraction does), with the state's options. */
export function zipExtractArgv(archive: string, dest: string, options: string | undefined): string[] {
  return ['unzip', '-o', ...(options ? splitWords(options) : []), archive, '-d', dest];
}
