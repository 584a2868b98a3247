// file.managed's `encoding` and `encoding_errors`: contents written in a Python codec, named as
// Python names it (latin-1, iso8859-1, utf_16, UTF-8-SIG…). The codecs halite writes are the
// Unicode ones and the ASCII/Latin-1 pair; any other name is an error that says so. Unencodable
// characters follow Python's error handlers: strict (an error), replace, ignore,
// xmlcharrefreplace and backslashreplace.

const CODECS = [
  'utf-8',
  'utf-8-sig',
  'latin-1',
  'ascii',
  'utf-16',
  'utf-16-le',
  'utf-16-be',
  'utf-32',
  'utf-32-le',
  'utf-32-be',
] as const;
type Codec = (typeof CODECS)[number];

/** Python's aliases, normalised (lower case, without '-', '_' and spaces). */
const ALIASES: Readonly<Record<string, Codec>> = {
  utf8: 'utf-8',
  u8: 'utf-8',
  utf: 'utf-8',
  cp65001: 'utf-8',
  utf8sig: 'utf-8-sig',
  latin1: 'latin-1',
  latin: 'latin-1',
  l1: 'latin-1',
  iso88591: 'latin-1',
  iso885911987: 'latin-1',
  '8859': 'latin-1',
  cp819: 'latin-1',
  ascii: 'ascii',
  usascii: 'ascii',
  '646': 'ascii',
  utf16: 'utf-16',
  u16: 'utf-16',
  utf16le: 'utf-16-le',
  utf16be: 'utf-16-be',
  utf32: 'utf-32',
  u32: 'utf-32',
  utf32le: 'utf-32-le',
  utf32be: 'utf-32-be',
};

export const SUPPORTED_ENCODINGS = CODECS.join(', ');

const HANDLERS = ['strict', 'replace', 'ignore', 'xmlcharrefreplace', 'backslashreplace'];

/** The codec Python would use for `name`, or undefined when halite does not write it. */
export function codecOf(name: string): Codec | undefined {
  return ALIASES[name.toLowerCase().replace(/[-_ ]/g, '')];
}

function utf16(text: string, bigEndian: boolean): Buffer {
  const b = Buffer.from(text, 'utf16le');
  return bigEndian ? b.swap16() : b;
}

function utf32(text: string, bigEndian: boolean): Buffer {
  const points = [...text].map((c) => c.codePointAt(0) ?? 0);
  const b = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => (bigEndian ? b.writeUInt32BE(p, i * 4) : b.writeUInt32LE(p, i * 4)));
  return b;
}

/** What Python's handler puts for a character the codec cannot encode ('' to drop it). */
function substitute(ch: string, handler: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (handler === 'replace') return '?';
  if (handler === 'ignore') return '';
  if (handler === 'xmlcharrefreplace') return `&#${cp};`;
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Latin-1 or ASCII: one byte a character, up to `max`. */
function singleByte(text: string, codec: string, max: number, handler: string): { data?: Buffer; error?: string } {
  const out: number[] = [];
  let i = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= max) out.push(cp);
    else if (handler === 'strict') {
      const shown = cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
      return {
        error: `'${codec}' codec can't encode character '${shown}' in position ${i}: ordinal not in range(${max + 1})`,
      };
    } else for (const c of substitute(ch, handler)) out.push(c.charCodeAt(0));
    i++;
  }
  return { data: Buffer.from(out) };
}

/** `text` in the codec named `encoding`, or why it cannot be. */
export function encodeText(text: string, encoding: string, errors: string): { data?: Buffer; error?: string } {
  const codec = codecOf(encoding);
  if (!codec) return { error: `encoding ${encoding} is not supported here (supported: ${SUPPORTED_ENCODINGS})` };
  if (!HANDLERS.includes(errors)) {
    return { error: `encoding_errors ${errors} is not supported here (supported: ${HANDLERS.join(', ')})` };
  }
  switch (codec) {
    case 'utf-8':
      return { data: Buffer.from(text, 'utf8') };
    case 'utf-8-sig':
      return { data: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]) };
    case 'latin-1':
      return singleByte(text, 'latin-1', 0xff, errors);
    case 'ascii':
      return singleByte(text, 'ascii', 0x7f, errors);
    case 'utf-16':
      return { data: Buffer.concat([Buffer.from([0xff, 0xfe]), utf16(text, false)]) };
    case 'utf-16-le':
    case 'utf-16-be':
      return { data: utf16(text, codec === 'utf-16-be') };
    case 'utf-32':
      return { data: Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(text, false)]) };
    case 'utf-32-le':
    case 'utf-32-be':
      return { data: utf32(text, codec === 'utf-32-be') };
  }
}

function fromUtf32(b: Buffer, bigEndian: boolean): string {
  let out = '';
  for (let i = 0; i + 3 < b.length; i += 4) {
    const cp = bigEndian ? b.readUInt32BE(i) : b.readUInt32LE(i);
    out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
  }
  return out;
}

/** `data` read in the codec (for a diff); bytes it cannot hold show as U+FFFD. */
export function decodeText(data: Buffer, encoding: string): string {
  const codec = codecOf(encoding) ?? 'utf-8';
  const bom = (bytes: number[]): boolean => bytes.every((x, i) => data[i] === x);
  switch (codec) {
    case 'latin-1':
      return data.toString('latin1');
    case 'ascii':
      return [...data].map((x) => (x < 0x80 ? String.fromCharCode(x) : '\ufffd')).join('');
    case 'utf-16':
      if (bom([0xfe, 0xff])) return Buffer.from(data.subarray(2)).swap16().toString('utf16le');
      return data.subarray(bom([0xff, 0xfe]) ? 2 : 0).toString('utf16le');
    case 'utf-16-le':
      return data.toString('utf16le');
    case 'utf-16-be':
      return Buffer.from(data.subarray(0, data.length & ~1))
        .swap16()
        .toString('utf16le');
    case 'utf-32':
      if (bom([0, 0, 0xfe, 0xff])) return fromUtf32(data.subarray(4), true);
      return fromUtf32(data.subarray(bom([0xff, 0xfe, 0, 0]) ? 4 : 0), false);
    case 'utf-32-le':
    case 'utf-32-be':
      return fromUtf32(data, codec === 'utf-32-be');
    default:
      return data.subarray(codec === 'utf-8-sig' && bom([0xef, 0xbb, 0xbf]) ? 3 : 0).toString('utf8');
  }
}
