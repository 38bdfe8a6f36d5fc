/** Text formatting of times, durations and commits for the Pipelines pages. */

// One formatter each, made once: `Date#toLocaleString` and friends build a new ICU formatter on every
// call (~1 ms in WebKit), which a table of dates pays per cell. Options as those methods use.
const LOCAL_DATE_TIME = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});
const LOCAL_DATE = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "numeric", day: "numeric" });
const MONTH_DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

/** The local date and time, as `Date#toLocaleString()` writes it. */
export function localDateTime(ms: number): string {
  return LOCAL_DATE_TIME.format(ms);
}

/** The local date, as `Date#toLocaleDateString()` writes it. */
export function localDate(ms: number): string {
  return LOCAL_DATE.format(ms);
}

/** "Jun 30". */
export function monthDay(ms: number): string {
  return MONTH_DAY.format(ms);
}

/** A commit id as people read it: its first 7 characters. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** An execution id, shortened like the console does (the full id is in the title). */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** RFC 3339 → ms since the epoch, or null. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** 42s, 1m 20s, 2h 5m, 3d 4h. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rs = s % 60;
  if (m < 60) return rs ? `${m}m ${rs}s` : `${m}m`;
  const h = Math.floor(m / 60);
  const rm = m % 60;
  if (h < 24) return rm ? `${h}h ${rm}m` : `${h}h`;
  const d = Math.floor(h / 24);
  const rh = h % 24;
  return rh ? `${d}d ${rh}h` : `${d}d`;
}

/** How long ago `then` was, at minute precision: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatAgo(then: number, now: number): string {
  const s = (now - then) / 1000;
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86_400);
  if (d === 1) return "yesterday";
  if (d < 60) return `${d} days ago`;
  return localDate(then);
}

/** The full local date and time, for tooltips. */
export function formatDateTime(iso: string | null | undefined): string | undefined {
  const t = parseTime(iso);
  return t === null ? undefined : localDateTime(t);
}
