/**
 * uPlot builds `new Intl.NumberFormat(navigator.language)` when its module loads. Under a POSIX
 * locale (LANG=C.UTF-8, as on CI and many servers) WebKitGTK reports `navigator.language` as "C",
 * which is not a BCP 47 tag, and that constructor throws: the chart would never load. Import this
 * module before "uplot": it makes `navigator.language` read "en-US" in that case only.
 */
function isValidLocale(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (typeof navigator !== "undefined" && !isValidLocale(navigator.language)) {
  try {
    Object.defineProperty(navigator, "language", { configurable: true, get: () => "en-US" });
  } catch {
    // Not redefinable here: the chart's error boundary says what went wrong.
  }
}

export {};
