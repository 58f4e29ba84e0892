/**
 * "Did you mean ...?" for unknown keys: the known key nearest by edit
 * distance, offered only when it is plausibly a typo of the given one.
 */

/** Levenshtein distance, two rows at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate within a third of the name's length (at least 2 edits), or null. */
export function closestKey(name: string, candidates: Iterable<string>): string | null {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance || (distance === bestDistance && best !== null && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= limit ? best : null;
}

/** " Did you mean "x"?" or "" — for appending to an error message. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const list = [...candidates];
  const prefixed = `samsa.${name}`;
  if (list.includes(prefixed)) return ` Did you mean "${prefixed}"?`;
  const closest = closestKey(name, list);
  return closest === null ? "" : ` Did you mean "${closest}"?`;
}
