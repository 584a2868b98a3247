// Salt's wording for lists of packages in pkg comments.

/** "a, b, c" */
export const joinNames = (names: readonly string[]): string => names.join(', ');

/** installed/updated: the list while short, else a count (Salt switches at 20 characters of list). */
export function installedSentence(names: readonly string[]): string {
  const summary = joinNames(names);
  if (summary.length < 20) return `The following packages were installed/updated: ${summary}`;
  const n = names.length;
  return `${n} targeted package${n > 1 ? 's' : ''} ${n > 1 ? 'were' : 'was'} installed/updated.`;
}

export function alreadyInstalledSentence(names: readonly string[]): string {
  const n = names.length;
  if (n <= 20) return `The following packages were already installed: ${joinNames(names)}`;
  return `${n} targeted package${n > 1 ? 's' : ''} ${n > 1 ? 'were' : 'was'} already installed.`;
}
