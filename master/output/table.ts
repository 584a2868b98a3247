// Plain text tables: left-aligned columns separated by two spaces, the last column not padded.

export function formatTable(head: readonly string[], cells: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: readonly string[]) =>
    c.map((s, i) => (i === c.length - 1 ? s : s.padEnd(widths[i]))).join('  ') + '\n';
  return [head, ...cells].map(line).join('');
}
