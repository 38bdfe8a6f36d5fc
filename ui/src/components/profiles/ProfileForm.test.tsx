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

describe("profile form validation (zod)", () => {
  it("rejects a bad name without calling Rust", async () => {
    const backend = mockBackend();
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.clear(screen.getByTestId("profile-name"));
    await user.type(screen.getByTestId("profile-name"), "prod deployer!");
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-name")).toHaveTextContent(
      "Use only letters, digits, dots, underscores and hyphens.",
    );
    expect(screen.getByTestId("profile-name")).toHaveAttribute("aria-invalid", "true");
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("rejects a name longer than 64 characters", async () => {
    const backend = mockBackend();
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.clear(screen.getByTestId("profile-name"));
    await user.type(screen.getByTestId("profile-name"), "a".repeat(65));
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-name")).toHaveTextContent("at most 64");
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("rejects a bad access key id", async () => {
    const backend = mockBackend();
    const { user } = await openAddForm();
    await fillValidAdd(user);
    await user.clear(screen.getByTestId("profile-access-key-id"));
    await user.type(screen.getByTestId("profile-access-key-id"), "akia-lowercase-key");
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-accessKeyId")).toHaveTextContent("capital letters");
    expect(mutatingCalls(backend)).toHaveLength(0);

    await user.clear(screen.getByTestId("profile-access-key-id"));
    await user.type(screen.getByTestId("profile-access-key-id"), "AKIASHORT");
    await user.click(screen.getByTestId("profile-save"));
    expect(await screen.findByTestId("field-error-accessKeyId")).toHaveTextContent("16 to 128");
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("rejects a bad endpoint URL (in the Advanced section)", async () => {
    const backend = mockBackend();
    const { user } = await openAddForm();
    await fillValidAdd(user);
    expect(screen.queryByTestId("profile-endpoint-url")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("profile-advanced"));
    await user.type(screen.getByTestId("profile-endpoint-url"), "ftp://localhost:4566");
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-endpointUrl")).toHaveTextContent("http:// or https://");
    expect(mutatingCalls(backend)).toHaveLength(0);

    await user.clear(screen.getByTestId("profile-endpoint-url"));
    await user.type(screen.getByTestId("profile-endpoint-url"), "not a url");
    await user.click(screen.getByTestId("profile-test-connection"));
    expect(await screen.findByTestId("field-error-endpointUrl")).toBeInTheDocument();
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("requires the secret access key when adding", async () => {
    const backend = mockBackend();
    const { user } = await openAddForm();
    await user.type(screen.getByTestId("profile-name"), "dev");
    await user.type(screen.getByTestId("profile-access-key-id"), "AKIAIOSFODNN7EXAMPLE");
    await user.click(screen.getByTestId("profile-save"));

    expect(await screen.findByTestId("field-error-secretAccessKey")).toHaveTextContent("Enter the secret access key.");
    expect(screen.getByTestId("field-error-region")).toHaveTextContent("Choose a region.");
    expect(mutatingCalls(backend)).toHaveLength(0);
  });

  it("makes the keys optional when editing, but both or neither", async () => {
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
    expect(screen.getByTestId("profile-secret-access-key")).toHaveValue("");

    // A new key id without its secret is rejected…
    await user.type(keyField, "AKIAIOSFODNN7EXAMPLE");
    await user.click(screen.getByTestId("profile-save"));
    expect(await screen.findByTestId("field-error-secretAccessKey")).toBeInTheDocument();
    expect(mutatingCalls(backend)).toHaveLength(0);

    // …while leaving both empty is fine.
    await user.clear(keyField);
    await user.click(screen.getByTestId("profile-save"));
    await waitFor(() => expect(backend.callsTo("profile_save")).toHaveLength(1));
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
