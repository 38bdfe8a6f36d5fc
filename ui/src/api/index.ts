/**
 * The UI's whole interface to the Rust core, one file per feature (every command goes through
 * `call` in `core.ts`). `import { api } from "../api"` keeps working: this file puts them together.
 */
import { desktopApi } from "./desktop";
import { pipelinesApi } from "./pipelines";
import { planApi } from "./plan";
import { profilesApi } from "./profiles";

export { isAppError, toAppError } from "./core";
export type { TaskbarProgress } from "./desktop";
export { historyApi } from "./history";

export const api = {
  ...desktopApi,
  ...profilesApi,
  ...planApi,
  ...pipelinesApi,
};
