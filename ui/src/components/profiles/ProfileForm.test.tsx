import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ProfileInput } from "../../bindings/ProfileInput";
import { appError, mockBackend, profile, renderWithProviders } from "../../test/backend";
import { ProfileFormDialog } from "./ProfileForm";

const ADD_COMMANDS = ["profile_save", "credentials_test"];

function mutatingCalls(backend: ReturnType<typeof mockBackend>) {
  return backend.calls.filter((c) => ADD_COMMANDS.includes(c.cmd));
}

async function openAddForm() {
  const onClose = vi.fn();
  renderWithProviders(<ProfileFormDialog mode="add" profile={null} onClose={onClose} />);
  await screen.findByTestId("profile-name");
  return { onClose, user: userEvent.setup() };
}

async function fillValidAdd(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByTestId("profile-name"), "prod-deployer");
  await user.selectOptions(screen.getByTestId("profile-region"), "eu-central-1");
  await user.type(screen.getByTestId("profile-access-key-id"), "AKIAIOSFODNN7EXAMPLE");
  await user.type(screen.getByTestId("profile-secret-access-key"), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

describe("profile form validation (Rust's rules through profile_validate)", () => {
  it("shows each issue Rust finds next to its field, focuses the first, and saves nothing", async () => {
    const backend = mockBackend({
      handlers: {
        profile_validate: () => [
          { path: "name", message: "must be 1–64 characters: letters, digits, '.', '_' or '-'" },
          { path: "accessKeyId", message: "must be 16–128 capital letters and digits, like AKIAIOSFODNN7EXAMPLE" },
          { path: "accessKeyId", message: "is required" },
          { path: "secretAccessKey", message: "is required" },
        ],
      },
    });
    const { user } = await openAddForm();
    await user.type(screen.getByTestId("profile-name"), "prod deployer!");
    await user.type(screen.getByTestId("profile-access-key-id"), "akia-lowercase");
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-name")).toHaveTextContent(
      "Name must be 1–64 characters: letters, digits, '.', '_' or '-'.",
    );
    // The first issue of a field is the one shown.
    expect(screen.getByTestId("field-error-accessKeyId")).toHaveTextContent("Access key ID must be 16–128 capital letters");
    expect(screen.getByTestId("field-error-secretAccessKey")).toHaveTextContent("Secret access key is required.");
    expect(screen.getByTestId("profile-name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("profile-name")).toHaveFocus();
    // Rust was asked with what the form holds; nothing was saved or tested.
    expect(backend.callsTo("profile_validate")[0]?.args.input).toMatchObject({
      originalName: null,
      name: "prod deployer!",
      accessKeyId: "akia-lowercase",
      secretAccessKey: null,
    });
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("opens Advanced for an endpoint issue, and Test connection asks Rust first too", async () => {
    const backend = mockBackend({
      handlers: {
        profile_validate: (args) =>
          (args.input as ProfileInput).endpointUrl === "http://10.0.0.5:4566"
            ? [{ path: "endpointUrl", message: "is plain http to another machine" }]
            : [],
      },
    });
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-advanced"));
    await user.type(screen.getByTestId("profile-endpoint-url"), "http://10.0.0.5:4566");
    await user.click(screen.getByTestId("profile-advanced"));
    expect(screen.queryByTestId("profile-endpoint-url")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("profile-test-connection"));

    expect(await screen.findByTestId("field-error-endpointUrl")).toHaveTextContent(
      "Endpoint URL is plain http to another machine.",
    );
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("saves an edit with both keys left out once Rust finds nothing", async () => {
    const backend = mockBackend({
      handlers: { profile_save: (args) => ({ ...profile({ name: "prod" }), name: (args.input as ProfileInput).name }) },
    });
    const user = userEvent.setup();
    renderWithProviders(
      <ProfileFormDialog mode="edit" profile={profile({ name: "prod", region: "eu-west-1" })} onClose={() => {}} />,
    );
    const keyField = await screen.findByTestId("profile-access-key-id");
    expect(keyField).toHaveValue("");
    expect(keyField).toHaveAttribute("placeholder", "unchanged — AKIA…XYZ1");
    await user.click(screen.getByTestId("profile-save"));
    await waitFor(() => expect(backend.callsTo("profile_save")).toHaveLength(1));
    expect(backend.callsTo("profile_validate")[0]?.args.input).toMatchObject({
      originalName: "prod",
      accessKeyId: null,
      secretAccessKey: null,
    });
  });
});

describe("saving", () => {
  it("calls profile_save with the full payload on add, then closes and toasts", async () => {
    const backend = mockBackend({
      handlers: { profile_save: () => profile({ name: "prod-deployer", region: "eu-central-1" }) },
    });
    const { user, onClose } = await openAddForm();
    await fillValidAdd(user);
    await user.type(screen.getByTestId("profile-session-token"), "FwoGZXIvYXdzEXAMPLETOKEN");
    await user.click(screen.getByTestId("profile-make-default"));
    await user.click(screen.getByTestId("profile-advanced"));
    await user.type(screen.getByTestId("profile-endpoint-url"), "http://localhost:4566");
    await user.click(screen.getByTestId("profile-save"));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const saves = backend.callsTo("profile_save");
    expect(saves).toHaveLength(1);
    expect(saves[0]?.args).toEqual({
      input: {
        originalName: null,
        name: "prod-deployer",
        region: "eu-central-1",
        endpointUrl: "http://localhost:4566",
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN",
        clearSessionToken: false,
        makeDefault: true,
      } satisfies ProfileInput,
    });
    expect(await screen.findByTestId("toast")).toHaveTextContent("Profile saved");
    // The secret fields were cleared before the form closed.
    expect(screen.getByTestId("profile-secret-access-key")).toHaveValue("");
    expect(screen.getByTestId("profile-session-token")).toHaveValue("");
  });

  it("sends null keys (keep stored) and the original name on an unchanged edit", async () => {
    const backend = mockBackend({ handlers: { profile_save: () => profile({ name: "production" }) } });
    const onClose = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(
      <ProfileFormDialog
        mode="edit"
        profile={profile({ name: "prod", region: "eu-west-1", isDefault: true, hasSessionToken: true })}
        onClose={onClose}
      />,
    );
    const name = await screen.findByTestId("profile-name");
    expect(name).toHaveValue("prod");
    expect(screen.getByTestId("profile-region")).toHaveValue("eu-west-1");
    expect(screen.getByTestId("profile-make-default")).toBeChecked();
    await user.clear(name);
    await user.type(name, "production");
    await user.click(screen.getByTestId("profile-save"));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(backend.callsTo("profile_save")[0]?.args).toEqual({
      input: {
        originalName: "prod",
        name: "production",
        region: "eu-west-1",
        endpointUrl: null,
        accessKeyId: null,
        secretAccessKey: null,
        sessionToken: null,
        clearSessionToken: false,
        makeDefault: true,
      } satisfies ProfileInput,
    });
  });

  it("shows a Rust validation error next to the field it names", async () => {
    const backend = mockBackend({
      handlers: {
        profile_save: () => {
          throw appError("validation", "A profile named “prod-deployer” already exists.", "name");
        },
      },
    });
    const { user, onClose } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-name")).toHaveTextContent(
      "A profile named “prod-deployer” already exists.",
    );
    expect(backend.callsTo("profile_save")).toHaveLength(1);
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.queryByTestId("toast")).not.toBeInTheDocument();
  });

  it("shows a Rust validation error for the endpoint by opening Advanced", async () => {
    mockBackend({
      handlers: {
        profile_save: () => {
          throw appError("validation", "Endpoint must not contain credentials.", "endpointUrl");
        },
      },
    });
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-save"));
    expect(await screen.findByTestId("field-error-endpointUrl")).toHaveTextContent(
      "Endpoint must not contain credentials.",
    );
  });

  it("shows the keyring_unavailable message prominently", async () => {
    const message =
      "No system keyring is available (Secret Service not running). Install and unlock gnome-keyring or KWallet, then try again.";
    mockBackend({
      handlers: {
        profile_save: () => {
          throw appError("keyring_unavailable", message);
        },
      },
    });
    const { user, onClose } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-save"));

    const banner = await screen.findByTestId("form-error");
    expect(banner).toHaveTextContent("System keyring unavailable");
    expect(banner).toHaveTextContent(message);
    expect(await screen.findByTestId("toast")).toHaveTextContent(message);
    expect(onClose).not.toHaveBeenCalled();
  });

  it("normalizes a non-AppError rejection into an internal error toast", async () => {
    mockBackend({
      handlers: {
        profile_save: () => {
          throw "command profile_save not found";
        },
      },
    });
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-save"));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("Something went wrong");
    expect(toast).toHaveTextContent("command profile_save not found");
  });
});

describe("test connection", () => {
  it("calls credentials_test with the form values and shows the account id", async () => {
    const backend = mockBackend({
      handlers: {
        credentials_test: () => ({
          account: "123456789012",
          arn: "arn:aws:iam::123456789012:user/deployer",
          userId: "AIDAEXAMPLE",
        }),
      },
    });
    const { user, onClose } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-test-connection"));

    const identity = await screen.findByTestId("form-identity");
    expect(identity).toHaveTextContent("123456789012");
    expect(identity).toHaveTextContent("arn:aws:iam::123456789012:user/deployer");
    const tests = backend.callsTo("credentials_test");
    expect(tests).toHaveLength(1);
    expect(tests[0]?.args.input).toMatchObject({
      originalName: null,
      name: "prod-deployer",
      region: "eu-central-1",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    });
    expect(backend.callsTo("profile_save")).toHaveLength(0);
    expect(onClose).not.toHaveBeenCalled();

    // Changing the keys makes the result stale.
    await user.type(screen.getByTestId("profile-secret-access-key"), "x");
    expect(screen.queryByTestId("form-identity")).not.toBeInTheDocument();
  });

  it("shows invalid credentials inline", async () => {
    mockBackend({
      handlers: {
        credentials_test: () => {
          throw appError("invalid_credentials", "The security token included in the request is invalid.");
        },
      },
    });
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.click(screen.getByTestId("profile-test-connection"));
    const error = await screen.findByTestId("form-test-error");
    expect(error).toHaveTextContent("AWS rejected these credentials");
    expect(error).toHaveTextContent("The security token included in the request is invalid.");
  });

  it("tests an unchanged edit with null keys so Rust uses the stored ones", async () => {
    const backend = mockBackend({
      handlers: { credentials_test: () => ({ account: "210987654321", arn: "arn:aws:iam::210987654321:root", userId: "x" }) },
    });
    const user = userEvent.setup();
    renderWithProviders(<ProfileFormDialog mode="edit" profile={profile({ name: "prod" })} onClose={() => {}} />);
    await user.click(await screen.findByTestId("profile-test-connection"));
    expect(await screen.findByTestId("form-identity")).toHaveTextContent("210987654321");
    expect(backend.callsTo("credentials_test")[0]?.args.input).toMatchObject({
      originalName: "prod",
      accessKeyId: null,
      secretAccessKey: null,
      sessionToken: null,
    });
  });
});
