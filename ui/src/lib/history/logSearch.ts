/**
 * Search in a build log: every case-insensitive occurrence of the query in each line's visible text
 * (escape sequences removed), and the split of a line's styled tokens into highlighted segments.
 */
import type { AnsiToken } from "./ansi";

export type LogMatch = {
  /** Index of the line. */
  line: number;
  /** Offsets in the line's visible text, end exclusive. */
  start: number;
  end: number;
};

/** Past this many matches the search stops counting (the UI says "1,000+"). */
export const MATCH_LIMIT = 1000;

/** Every occurrence of `query` in `texts` (non-overlapping, in order), at most `limit`. */
export function findMatches(texts: readonly string[], query: string, limit = MATCH_LIMIT): LogMatch[] {
  const needle = query.toLowerCase();
  if (needle === "") return [];
  const matches: LogMatch[] = [];
  for (let line = 0; line < texts.length; line++) {
    const hay = (texts[line] ?? "").toLowerCase();
    // Lowercasing can change the length of a few characters; offsets would not map back then.
    if (hay.length !== (texts[line] ?? "").length) continue;
    let from = 0;
    for (let at = hay.indexOf(needle, from); at !== -1; at = hay.indexOf(needle, from)) {
      matches.push({ line, start: at, end: at + needle.length });
      if (matches.length >= limit) return matches;
      from = at + needle.length;
    }
  }
  return matches;
}

export type LogSegment = {
  text: string;
  className: string;
  /** The global index of the match this text belongs to, or null outside any match. */
  match: number | null;
};

export type LineRange = { start: number; end: number; index: number };

/** Cut a line's tokens at the match boundaries. `ranges` are sorted and do not overlap. */
export function segmentLine(tokens: readonly AnsiToken[], ranges: readonly LineRange[]): LogSegment[] {
  if (ranges.length === 0) return tokens.map((t) => ({ text: t.text, className: t.className, match: null }));
  const segments: LogSegment[] = [];
  let offset = 0;
  let r = 0;
  for (const token of tokens) {
    let pos = 0;
    const len = token.text.length;
    while (pos < len) {
      const at = offset + pos;
      // Skip ranges that already ended.
      while (r < ranges.length && (ranges[r] as LineRange).end <= at) r++;
      const range = ranges[r];
      let take: number;
      let match: number | null = null;
      if (range && range.start <= at) {
        take = Math.min(len - pos, range.end - at);
        match = range.index;
      } else {
        take = range ? Math.min(len - pos, range.start - at) : len - pos;
      }
      segments.push({ text: token.text.slice(pos, pos + take), className: token.className, match });
      pos += take;
    }
    offset += len;
  }
  return segments;
}
