// Reading a text file that may be missing or unreadable: callers treat that as "no content".
import { promises as fsp } from 'node:fs';

/** The file's UTF-8 text, or null when it cannot be read (missing, a directory, no permission). */
export async function readText(path: string): Promise<string | null> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** The file's UTF-8 text, or '' when it cannot be read. */
export async function readOrEmpty(path: string): Promise<string> {
  return (await readText(path)) ?? '';
}
