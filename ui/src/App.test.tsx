import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { mockBackend, profile, renderWithProviders } from "./test/backend";

describe("App shell", () => {
  it("navigates between the four pages from the sidebar", async () => {
    mockBackend();
    const user = userEvent.setup();
    renderWithProviders(<App />);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Profiles");
    expect(screen.getByTestId("nav-profiles")).toHaveAttribute("aria-current", "page");

    await user.click(screen.getByTestId("nav-new-pipeline"));
    expect(await screen.findByTestId("new-pipeline-empty")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("New pipeline");

    await user.click(screen.getByTestId("nav-pipelines"));
    expect(await screen.findByTestId("pipelines-empty")).toBeInTheDocument();

    await user.click(screen.getByTestId("nav-history"));
    const history = await screen.findByTestId("history-empty");
    // No profiles at all: the page says what to do first.
    await waitFor(() => expect(history).toHaveTextContent("add a profile"));

    await user.click(screen.getByTestId("nav-profiles"));
    expect(await screen.findByTestId("profiles-empty")).toBeInTheDocument();
  });

  it("feature pages ask for a profile when none is chosen", async () => {
    mockBackend({ profiles: [profile({ name: "prod" })] });
    window.location.hash = "#/pipelines";
    renderWithProviders(<App />);
    const empty = await screen.findByTestId("pipelines-empty");
    await waitFor(() => expect(empty).toHaveTextContent("choose a profile in the header"));
  });

  it("shows the Sandbox badge only in sandbox mode", async () => {
    mockBackend({ appInfo: { sandbox: true } });
    renderWithProviders(<App />);
    expect(await screen.findByTestId("sandbox-badge")).toHaveTextContent("Sandbox");
  });

  it("has no Sandbox badge outside sandbox mode", async () => {
    const backend = mockBackend();
    renderWithProviders(<App />);
    await waitFor(() => expect(backend.callsTo("app_info")).toHaveLength(1));
    await screen.findByText("Pipewright 0.1.0");
    expect(screen.queryByTestId("sandbox-badge")).not.toBeInTheDocument();
  });

  it("switches profile (grouped by source) and region through session_set", async () => {
    const backend = mockBackend({
      profiles: [
        profile({ name: "prod", region: "eu-central-1" }),
        profile({ name: "default", source: "aws_cli", region: "us-east-1", editable: false }),
        profile({ name: "Sandbox", source: "sandbox", region: "us-east-1", editable: false }),
      ],
      session: { profile: null, region: null },
    });
    const user = userEvent.setup();
    renderWithProviders(<App />);

    const switcher = await screen.findByTestId("profile-switcher");
    await waitFor(() => expect(switcher).toBeEnabled());
    const groups = within(switcher)
      .getAllByRole("group")
      .map((g) => g.getAttribute("label"));
    expect(groups).toEqual(["Pipewright", "AWS CLI", "Sandbox"]);

    await user.selectOptions(switcher, "pipewright:prod");
    await waitFor(() => expect(backend.callsTo("session_set")).toHaveLength(1));
    // The region follows the chosen profile.
    expect(backend.callsTo("session_set")[0]?.args).toEqual({
      session: { profile: { source: "pipewright", name: "prod" }, region: "eu-central-1" },
    });
    const region = screen.getByTestId("region-switcher");
    await waitFor(() => expect(region).toHaveValue("eu-central-1"));

    await user.selectOptions(region, "eu-west-1");
    await waitFor(() => expect(backend.callsTo("session_set")).toHaveLength(2));
    expect(backend.callsTo("session_set")[1]?.args).toEqual({
      session: { profile: { source: "pipewright", name: "prod" }, region: "eu-west-1" },
    });
    await waitFor(() => expect(switcher).toHaveValue("pipewright:prod"));
    expect(region).toHaveValue("eu-west-1");
  });
});
