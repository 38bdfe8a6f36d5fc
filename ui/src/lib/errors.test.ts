import { describe, expect, it } from "vitest";
import { issueText } from "./errors";

describe("issueText", () => {
  it("leads a predicate with the field's name and leaves a message that names its subject", () => {
    expect(issueText("Name", "is required")).toBe("Name is required.");
    expect(issueText("Name", "has 70 characters, 6 over the 64 allowed (profile names)")).toBe(
      "Name has 70 characters, 6 over the 64 allowed (profile names).",
    );
    expect(issueText("Name", "spaces and '!' are not allowed: only letters (profile names)")).toBe(
      "Spaces and '!' are not allowed: only letters (profile names).",
    );
    expect(issueText("Commit id", "must be a git commit id.")).toBe("Commit id must be a git commit id.");
  });
});
