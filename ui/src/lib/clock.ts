import { useSyncExternalStore } from "react";

type Clock = { listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | null };

const clocks = new Map<number, Clock>();

function clock(stepMs: number): Clock {
  let c = clocks.get(stepMs);
  if (!c) {
    c = { listeners: new Set(), timer: null };
    clocks.set(stepMs, c);
  }
  return c;
}

function subscribe(stepMs: number, onTick: () => void): () => void {
  const c = clock(stepMs);
  c.listeners.add(onTick);
  c.timer ??= setInterval(() => {
    for (const listener of c.listeners) listener();
  }, stepMs);
  return () => {
    c.listeners.delete(onTick);
    if (c.listeners.size === 0 && c.timer !== null) {
      clearInterval(c.timer);
      c.timer = null;
    }
  };
}

/**
 * The current time in ms, rounded down to `stepMs` and re-rendering once per step. Every component
 * that asks for the same step shares one timer, so a table of 200 "5 min ago" cells costs one interval.
 */
export function useNow(stepMs: number): number {
  return useSyncExternalStore(
    (onTick) => subscribe(stepMs, onTick),
    () => Math.floor(Date.now() / stepMs) * stepMs,
  );
}
