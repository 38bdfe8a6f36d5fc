import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { appError, mockBackend, profile, renderWithProviders } from "../test/backend";
import { ProfilesPage } from "./ProfilesPage";

const XSS_NAME = "<img src=x onerror=alert(1)>";

describe("ProfilesPage", () => {
  it("shows loading, then an empty state when there are no profiles", async () => {
    mockBackend({ profiles: [] });
    renderWithProviders(<ProfilesPage />);
    expect(screen.getByText("Loading profiles…")).toBeInTheDocument();
    expect(await screen.findByTestId("profiles-empty")).toHaveTextContent(
      "Add your first profile, or run in sandbox mode",
    );
  });

  it("lists own and detected profiles with hints, tags and read-only actions", async () => {
    mockBackend({
      profiles: [
        profile({ name: "prod", isDefault: true, lastAccountId: "123456789012" }),
        profile({
          name: "default",
          source: "aws_cli",
          detail: "SSO",
          accessKeyHint: null,
          editable: false,
          region: "us-east-1",
        }),
        profile({
          name: "Sandbox",
          source: "sandbox",
          endpointUrl: "http://127.0.0.1:4566",
          editable: false,
          accessKeyHint: null,
        }),
      ],
      session: { profile: { source: "pipewright", name: "prod" }, region: "eu-west-1" },
    });
    renderWithProviders(<ProfilesPage />);

    const prod = await screen.findByTestId("profile-row-prod");
    expect(prod).toHaveTextContent("AKIA…XYZ1");
    expect(prod).toHaveTextContent("123456789012");
    expect(prod).toHaveTextContent("Default");
    expect(within(prod).getByTestId("profile-edit-prod")).toBeInTheDocument();
    expect(within(prod).getByTestId("profile-remove-prod")).toBeInTheDocument();
    await waitFor(() => expect(prod).toHaveTextContent("In use"));

    const cli = screen.getByTestId("profile-row-default");
    expect(cli).toHaveTextContent("AWS CLI");
    expect(cli).toHaveTextContent("SSO");
    expect(within(cli).getByTestId("profile-test-default")).toBeInTheDocument();
    expect(within(cli).queryByTestId("profile-edit-default")).not.toBeInTheDocument();
    expect(within(cli).queryByTestId("profile-remove-default")).not.toBeInTheDocument();

    const sandbox = screen.getByTestId("profile-row-Sandbox");
    expect(sandbox).toHaveTextContent("custom endpoint");
    // The endpoint itself is not spelled out in the list.
    expect(sandbox).not.toHaveTextContent("127.0.0.1");
    expect(screen.getByText(/without copying their secrets/)).toBeInTheDocument();
  });

  it("renders AWS-sourced names as text, never as HTML", async () => {
    mockBackend({
      profiles: [
        profile({ name: XSS_NAME, source: "aws_cli", editable: false, detail: "<b>static keys</b>" }),
        profile({ name: "ok", accessKeyHint: "<script>alert(1)</script>" }),
      ],
    });
    const { container } = renderWithProviders(<ProfilesPage />);
    expect(await screen.findByText(XSS_NAME)).toBeInTheDocument();
    expect(screen.getByText("<b>static keys</b>")).toBeInTheDocument();
    expect(screen.getByText("<script>alert(1)</script>")).toBeInTheDocument();
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect(screen.getByTestId(`profile-row-${XSS_NAME}`)).toBeInTheDocument();
  });

  it("tests a listed profile and shows the account id and ARN inline", async () => {
    const backend = mockBackend({
      profiles: [profile({ name: "default", source: "aws_cli", editable: false, region: null })],
      session: { profile: null, region: "eu-central-1" },
      handlers: {
        profile_test: () => ({
          account: "999988887777",
          arn: "arn:aws:sts::999988887777:assumed-role/Deploy/me",
          userId: "AROAEXAMPLE:me",
        }),
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ProfilesPage />);
    await user.click(await screen.findByTestId("profile-test-default"));

    const identity = await screen.findByTestId("profile-identity-default");
    expect(identity).toHaveTextContent("999988887777");
    expect(identity).toHaveTextContent("arn:aws:sts::999988887777:assumed-role/Deploy/me");
    // No region on the profile: the header's region is used.
    expect(backend.callsTo("profile_test")[0]?.args).toEqual({
      profile: { source: "aws_cli", name: "default" },
      region: "eu-central-1",
    });
  });

  it("shows a failed test inline with specific text", async () => {
    mockBackend({
      profiles: [profile({ name: "old" })],
      handlers: {
        profile_test: () => {
          throw appError("expired_credentials", "The security token included in the request is expired");
        },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ProfilesPage />);
    await user.click(await screen.findByTestId("profile-test-old"));
    const error = await screen.findByTestId("profile-test-error-old");
    expect(error).toHaveTextContent("Credentials have expired");
    expect(error).toHaveTextContent("The security token included in the request is expired");
  });

  it("removes a profile only after confirming", async () => {
    let profiles = [profile({ name: "staging" })];
    const backend = mockBackend({
      handlers: {
        profiles_list: () => profiles,
        profile_remove: () => {
          profiles = [];
          return null;
        },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ProfilesPage />);
    await user.click(await screen.findByTestId("profile-remove-staging"));

    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog).toHaveTextContent("Remove profile “staging”?");
    await user.click(within(dialog).getByTestId("confirm-cancel"));
    expect(screen.queryByTestId("confirm-dialog")).not.toBeInTheDocument();
    expect(backend.callsTo("profile_remove")).toHaveLength(0);

    await user.click(screen.getByTestId("profile-remove-staging"));
    await user.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(backend.callsTo("profile_remove")).toHaveLength(1));
    expect(backend.callsTo("profile_remove")[0]?.args).toEqual({ name: "staging" });
    expect(await screen.findByTestId("toast")).toHaveTextContent("Profile removed");
    expect(await screen.findByTestId("profiles-empty")).toBeInTheDocument();
  });

  it("adds a profile from the Add button and shows it in the refreshed list", async () => {
    let profiles = [profile({ name: "prod" })];
    const backend = mockBackend({
      session: { profile: null, region: "eu-west-1" },
      handlers: {
        profiles_list: () => profiles,
        profile_save: () => {
          const saved = profile({ name: "dev", accessKeyHint: "AKIA…MPLE" });
          profiles = [...profiles, saved];
          return saved;
        },
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<ProfilesPage />);
    await user.click(await screen.findByTestId("profile-add"));
    await user.type(await screen.findByTestId("profile-name"), "dev");
    // The region defaults to the header's region.
    expect(screen.getByTestId("profile-region")).toHaveValue("eu-west-1");
    await user.type(screen.getByTestId("profile-access-key-id"), "AKIAIOSFODNN7EXAMPLE");
    await user.type(screen.getByTestId("profile-secret-access-key"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("profile-row-dev")).toHaveTextContent("AKIA…MPLE");
    expect(screen.queryByTestId("profile-form")).not.toBeInTheDocument();
    expect(backend.callsTo("profile_save")).toHaveLength(1);
    // The secret is nowhere in the page any more.
    expect(document.body.textContent).not.toContain("wJalrXUtnFEMI");
    for (const input of document.querySelectorAll("input")) expect(input.value).not.toContain("wJalrXUtnFEMI");
  });

  it("opens Edit with empty key fields and the key hint as placeholder", async () => {
    mockBackend({ profiles: [profile({ name: "prod", accessKeyHint: "AKIA…XYZ1" })] });
    const user = userEvent.setup();
    renderWithProviders(<ProfilesPage />);
    await user.click(await screen.findByTestId("profile-edit-prod"));
    const key = await screen.findByTestId("profile-access-key-id");
    expect(key).toHaveValue("");
    expect(key).toHaveAttribute("placeholder", "unchanged — AKIA…XYZ1");
    expect(screen.getByTestId("profile-name")).toHaveValue("prod");
    await user.click(screen.getByTestId("profile-cancel"));
    expect(screen.queryByTestId("profile-form")).not.toBeInTheDocument();
  });

  it("shows keyring_unavailable from profiles_list as a prominent banner", async () => {
    const message = "The OS keyring is locked. Unlock it and press Try again.";
    mockBackend({
      handlers: {
        profiles_list: () => {
          throw appError("keyring_unavailable", message);
        },
      },
    });
    renderWithProviders(<ProfilesPage />);
    const banner = await screen.findByTestId("profiles-error");
    expect(banner).toHaveTextContent("System keyring unavailable");
    expect(banner).toHaveTextContent(message);
  });
});
