import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseAnsi, stripAnsi } from "./ansi";

const E = "\x1b";

describe("parseAnsi", () => {
  it("keeps plain text as one unstyled token", () => {
    expect(parseAnsi("Step 1/9 : FROM python:3.10")).toEqual([{ text: "Step 1/9 : FROM python:3.10", className: "" }]);
    expect(parseAnsi("")).toEqual([]);
  });

  it("turns colours into classes and resets", () => {
    expect(parseAnsi(`${E}[32mok${E}[0m done`)).toEqual([
      { text: "ok", className: "ansi-fg-green" },
      { text: " done", className: "" },
    ]);
    expect(parseAnsi(`${E}[31;1mFAIL${E}[39m still bold${E}[m plain`)).toEqual([
      { text: "FAIL", className: "ansi-fg-red ansi-bold" },
      { text: " still bold", className: "ansi-bold" },
      { text: " plain", className: "" },
    ]);
  });

  it("handles bright colours, backgrounds, 256-colour basics, bold off and underline", () => {
    expect(parseAnsi(`${E}[92;41ma${E}[22;4mb${E}[24;49mc`)).toEqual([
      { text: "a", className: "ansi-fg-bright-green ansi-bg-red" },
      { text: "b", className: "ansi-fg-bright-green ansi-bg-red ansi-underline" },
      { text: "c", className: "ansi-fg-bright-green" },
    ]);
    expect(parseAnsi(`${E}[38;5;11mwarn${E}[38;5;200m x${E}[38;2;1;2;3my`)).toEqual([
      { text: "warn", className: "ansi-fg-bright-yellow" },
      { text: " xy", className: "" },
    ]);
    expect(parseAnsi(`${E}[1mbold${E}[22mnormal`)).toEqual([
      { text: "bold", className: "ansi-bold" },
      { text: "normal", className: "" },
    ]);
  });

  it("drops other escape sequences (erase line, cursor, OSC titles)", () => {
    expect(parseAnsi(`${E}[2K${E}[1Gprogress ${E}]0;title${E}\\100%`)).toEqual([{ text: "progress 100%", className: "" }]);
    expect(stripAnsi(`${E}[33mHello${E}[0m ${E}[1mworld`)).toBe("Hello world");
  });

  it("leaves HTML as text", () => {
    expect(parseAnsi(`${E}[31m<img src=x onerror=alert(1)>${E}[0m`)).toEqual([
      { text: "<img src=x onerror=alert(1)>", className: "ansi-fg-red" },
    ]);
  });
});

// Property tests: whatever a build writes to its log (escape sequences cut short, nested, junk
// parameters), parsing never throws, keeps every visible character, and leaves no escape behind.
describe("any log line", () => {
  const line = fc.stringOf(
    fc.oneof(
      fc.constantFrom(E, "[", ";", "m", "K", "0", "1", "3", "8", "5", "2", "9", "\n", " "),
      fc.string({ maxLength: 3 }),
      fc.fullUnicode(),
    ),
    { maxLength: 60 },
  );

  it("leaves no escape when stripping one joins two halves (what the Rust property test found)", () => {
    expect(stripAnsi(`${E}${E}[a[`).includes(`${E}[`)).toBe(false);
    expect(parseAnsi(`x${E}${E}[31m[0mdone`).map((t) => t.text).join("")).not.toContain(`${E}[`);
  });

  it("parses into tokens whose text is the line without its escapes", () => {
    fc.assert(
      fc.property(line, (l) => {
        const tokens = parseAnsi(l);
        const text = tokens.map((t) => t.text).join("");
        expect(text).toBe(stripAnsi(l));
        expect(text.includes(`${E}[`)).toBe(false);
        for (const t of tokens) expect(t.text.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
