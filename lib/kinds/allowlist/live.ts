import type { LivePart } from "../live-part";
import type { AllowlistPolicy } from "./plan";
import type { AllowlistTarget } from "./target";

/** Not in AWS: nothing to export or compare (its file is the whole truth, and `check` compares it). */
export const allowlistLive: LivePart<AllowlistTarget, AllowlistPolicy> = {
  compare: () => undefined,
  exportCommands: () => [],
  importable: () => [],
  adoption: () => undefined,
};
