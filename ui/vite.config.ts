import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Tauri runs `npm run dev` / `npm run build` from ui/; see
// https://v2.tauri.app/start/frontend/vite/ for the settings below.
const devHost = process.env.TAURI_DEV_HOST;
const debug = Boolean(process.env.TAURI_ENV_DEBUG);

export default defineConfig({
  plugins: [react()],
  // Keep Rust compiler output visible in the shared terminal.
  clearScreen: false,
  server: {
    port: 1420,
    strictPort: true,
    host: devHost ?? false,
    hmr: devHost ? { protocol: "ws", host: devHost, port: 1421 } : undefined,
    watch: { ignored: ["**/src-tauri/**", "**/target/**"] },
  },
  envPrefix: ["VITE_", "TAURI_ENV_*"],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebView2 on Windows is Chromium; WebKitGTK / WKWebView elsewhere.
    target: process.env.TAURI_ENV_PLATFORM === "windows" ? "chrome105" : "safari15",
    minify: !debug,
    sourcemap: debug,
    // Never inline assets as data: URLs into JS/CSS beyond what the CSP allows (img data: is allowed).
    assetsInlineLimit: 4096,
    // One bundle read from disk by the webview, not downloaded: its size is not a page-load concern.
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
