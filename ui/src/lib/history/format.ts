/** Text of the history figures. */
import { formatDuration } from "../format";

/** 0.873 → "87.3%", 1 → "100%"; null → "—". */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const p = Math.round(value * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

export function durationOrDash(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined ? "—" : formatDuration(seconds);
}

// Made once: `Number#toLocaleString` builds a new formatter on every call.
const CENTS = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const COUNT = new Intl.NumberFormat("en-US");

/** "$1.23"; amounts under a cent as "<$0.01". */
export function usd(amount: number): string {
  if (amount > 0 && amount < 0.01) return "<$0.01";
  return `$${CENTS.format(amount)}`;
}

/** 1234 → "1,234". */
export function count(n: number): string {
  return COUNT.format(n);
}

/** Deployments per day → "2.4 a day" or "3 a week" when fewer than one a day. */
export function frequency(perDay: number): string {
  if (perDay === 0) return "None";
  if (perDay >= 1) return `${trim(perDay)} a day`;
  return `${trim(perDay * 7)} a week`;
}

function trim(n: number): string {
  return n >= 10 ? n.toFixed(0) : n.toFixed(1).replace(/\.0$/, "");
}

/** "0:45" style axis label for minutes: 90 → "1h 30m", 2.5 → "2m 30s". */
export function minutesLabel(minutes: number): string {
  return formatDuration(minutes * 60);
}
