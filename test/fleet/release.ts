// The Release file of the fleet's flat apt repository: the index files with their sizes and
// checksums. The repository is trusted by configuration (`[trusted=yes]`), so it is not signed.
import { createHash } from 'node:crypto';

export interface IndexFile {
  name: string;
  content: Buffer;
}

export function renderRelease(files: readonly IndexFile[], date: Date, architectures: readonly string[]): string {
  const sums = (algo: string) =>
    files.map(
      (f) => ` ${createHash(algo).update(f.content).digest('hex')} ${String(f.content.length).padStart(8)} ${f.name}`,
    );
  return [
    'Origin: halite-fleet',
    'Label: halite-fleet',
    'Suite: fleet',
    'Codename: fleet',
    `Date: ${date.toUTCString().replace('GMT', 'UTC')}`,
    `Architectures: ${architectures.join(' ')}`,
    'Description: packages for the halite test fleet',
    'MD5Sum:',
    ...sums('md5'),
    'SHA256:',
    ...sums('sha256'),
    '',
  ].join('\n');
}
