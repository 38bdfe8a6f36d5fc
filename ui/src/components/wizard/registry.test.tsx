import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { NewPipelinePage } from "../../pages/NewPipelinePage";
import { renderWithProviders } from "../../test/backend";
import { mockWizardBackend, onStep } from "../../test/wizard";
import { STEPS } from "./steps";

describe("the step registry", () => {
  it("is the order the stepper shows", async () => {
    mockWizardBackend();
    renderWithProviders(<NewPipelinePage />);
    await onStep(1);
    const buttons = within(screen.getByRole("navigation", { name: "Steps" })).getAllByRole("button");
    expect(buttons.map((b) => b.dataset.testid)).toEqual(STEPS.map((_, i) => `wizard-step-${i + 1}`));
    expect(buttons.map((b) => b.textContent)).toEqual(STEPS.map((s, i) => `${i + 1}${s.short}`));
    expect(buttons.map((b) => b.querySelector(".stepper-title")?.getAttribute("title"))).toEqual(STEPS.map((s) => s.title));
  });

  it("names every step and plan section once, forms before Review and Create", () => {
    const keys = STEPS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    const sections = STEPS.flatMap((s) => (s.section ? [s.section] : []));
    expect(new Set(sections).size).toBe(sections.length);
    // Next from the last form goes on to Review; Create comes after it.
    const firstWithoutForm = STEPS.findIndex((s) => !s.section);
    expect(STEPS.slice(firstWithoutForm).every((s) => !s.section)).toBe(true);
    expect(keys.indexOf("review")).toBeLessThan(keys.indexOf("create"));
  });
});
