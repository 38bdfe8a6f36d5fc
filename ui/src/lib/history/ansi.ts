/**
 * A tiny ANSI SGR parser for build logs. It returns plain tokens (text + CSS class names) that the
 * log renders as React text children: no HTML is ever produced or parsed, so a log line such as
 * `<img src=x onerror=alert(1)>` shows literally.
 *
 * Supported: reset (0), bold (1), dim (2), italic (3), underline (4), inverse (7), their resets
 * (22, 23, 24, 27), the 8 + 8 bright foreground and background colours (30–37, 90–97, 40–47,
 * 100–107), default colours (39, 49), and the first 16 colours of `38;5;n` / `48;5;n`. 256-colour
 * values above 15 and 24-bit colours are parsed and ignored. Every other escape sequence (cursor
 * moves, erase line, OSC titles/links) is dropped. Each log line is parsed on its own (CodeBuild
 * sends one event per line), starting from the default style.
 */

export type AnsiToken = {
  text: string;
  /** Space-separated `ansi-*` classes, "" for unstyled text. */
  className: string;
};

type Style = {
  fg: string | null;
  bg: string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
};

const COLORS = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"] as const;

function plain(): Style {
  return { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };
}

function color(n: number): string | null {
  if (n >= 0 && n < 8) return COLORS[n] ?? null;
  if (n >= 8 && n < 16) return `bright-${COLORS[n - 8] ?? ""}`;
  return null;
}

function className(style: Style): string {
  const classes: string[] = [];
  const fg = style.inverse ? style.bg : style.fg;
  const bg = style.inverse ? (style.fg ?? "default") : style.bg;
  if (fg) classes.push(`ansi-fg-${fg}`);
  else if (style.inverse) classes.push("ansi-fg-inverse");
  if (bg) classes.push(`ansi-bg-${bg}`);
  if (style.bold) classes.push("ansi-bold");
  if (style.dim) classes.push("ansi-dim");
  if (style.italic) classes.push("ansi-italic");
  if (style.underline) classes.push("ansi-underline");
  return classes.join(" ");
}

/** Apply one SGR parameter list ("1;31", "", "38;5;9") to `style`. */
function applySgr(style: Style, params: string): void {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) Object.assign(style, plain());
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 7) style.inverse = true;
    else if (code === 21 || code === 22) {
      style.bold = false;
      style.dim = false;
    } else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code === 27) style.inverse = false;
    else if (code >= 30 && code <= 37) style.fg = color(code - 30);
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = color(code - 40);
    else if (code === 49) style.bg = null;
    else if (code >= 90 && code <= 97) style.fg = color(code - 90 + 8);
    else if (code >= 100 && code <= 107) style.bg = color(code - 100 + 8);
    else if (code === 38 || code === 48) {
      const mode = codes[i + 1];
      let value: string | null = null;
      if (mode === 5) {
        value = color(codes[i + 2] ?? -1);
        i += 2;
      } else if (mode === 2) {
        i += 4;
      } else {
        i += 1;
      }
      if (code === 38) style.fg = value;
      else style.bg = value;
    }
    // Anything else (blink, fonts, frames, …) has no look here.
  }
}

// ESC [ params final  |  ESC ] … (BEL | ESC \)  |  ESC + one char  |  stray C1 CSI (0x9b).
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-9;:?<=>]*)([ -/]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|\x9b[0-9;]*[@-~]/g;

/** Split one log line into styled text tokens. Adjacent text with the same style is one token. */
export function parseAnsi(line: string): AnsiToken[] {
  if (!line.includes("\x1b") && !line.includes("\x9b")) return line === "" ? [] : [{ text: line, className: "" }];
  const tokens: AnsiToken[] = [];
  const style = plain();
  let current = "";
  let text = "";
  const flush = () => {
    if (text === "") return;
    const last = tokens[tokens.length - 1];
    if (last && last.className === current) last.text += text;
    else tokens.push({ text, className: current });
    text = "";
  };
  let at = 0;
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(line); m !== null; m = ESCAPE.exec(line)) {
    text += line.slice(at, m.index);
    at = m.index + m[0].length;
    if (m[3] === "m" && m[2] === "" && !(m[1] ?? "").startsWith("?")) {
      flush();
      applySgr(style, m[1] ?? "");
      current = className(style);
    }
  }
  text += line.slice(at);
  flush();
  return tokens;
}

/** The line's text without any escape sequence (what search looks in). */
export function stripAnsi(line: string): string {
  if (!line.includes("\x1b") && !line.includes("\x9b")) return line;
  return line.replace(ESCAPE, "");
}
