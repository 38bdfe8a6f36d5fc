/** The desktop platform the window runs on, from the webview's user agent. */
export type Platform = "mac" | "windows" | "linux";

/**
 * WKWebView says "Macintosh", WebView2 "Windows NT", WebKitGTK "X11; Linux" (anything else is treated
 * as Linux: it is the one that draws with fontconfig's fonts).
 */
export function platformOf(userAgent: string): Platform {
  if (/Macintosh|Mac OS X/.test(userAgent)) return "mac";
  if (/Windows/.test(userAgent)) return "windows";
  return "linux";
}
