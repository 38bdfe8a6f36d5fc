/** Timings of the wizard. Mutable so tests can make them short; the app never changes them. */
export const timing = {
  /** How often a PENDING GitHub connection is polled (connection_get). */
  connectionPollMs: 3000,
  /** How long the green check shows before the Source step continues by itself. */
  autoAdvanceMs: 1000,
  /** Debounce of live validation (plan_validate) and generated previews while typing. */
  debounceMs: 300,
};
