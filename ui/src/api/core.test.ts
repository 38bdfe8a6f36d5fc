import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";
import { isAppError, toAppError } from "./core";
import { desktopApi } from "./desktop";
import { api } from "./index";
import { pipelinesApi } from "./pipelines";
import { planApi } from "./plan";
import { profilesApi } from "./profiles";

describe("api", () => {
  it("passes camelCase args and returns the result", async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return { account: "123456789012", arn: "arn:aws:iam::123456789012:root", userId: "u" };
    });
    const identity = await api.profileTest({ source: "aws_cli", name: "default" }, "us-east-1");
    expect(identity.account).toBe("123456789012");
    expect(seen).toEqual([["profile_test", { profile: { source: "aws_cli", name: "default" }, region: "us-east-1" }]]);
  });

  it("rejects with the AppError Rust sent", async () => {
    mockIPC(() => {
      throw { code: "access_denied", message: "not allowed", field: null };
    });
    await expect(api.profilesList()).rejects.toEqual({ code: "access_denied", message: "not allowed", field: null });
  });

  it("normalizes anything else to an internal AppError", async () => {
    mockIPC(() => {
      throw "boom";
    });
    await expect(api.sessionGet()).rejects.toEqual({ code: "internal", message: "boom", field: null });
    expect(toAppError(new Error("bad"))).toEqual({ code: "internal", message: "bad", field: null });
    expect(toAppError({ code: "made_up", message: "x" })).toEqual({
      code: "internal",
      message: "[object Object]",
      field: null,
    });
    expect(isAppError({ code: "network", message: "offline", field: null })).toBe(true);
    expect(isAppError({ code: "network" })).toBe(false);
  });

  it("puts every feature's commands on one object, none shadowing another", () => {
    const names = [desktopApi, pipelinesApi, planApi, profilesApi].flatMap((part) => Object.keys(part));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(api).sort()).toEqual([...names].sort());
  });
});
