import type { FirewallTarget } from "../../model/config";
import type { PlainMap } from "../../config/context";
import type { FirewallFact } from "../../config/facts";
import type { CheckPart, NameAt } from "../check-part";
import type { AllowlistTarget } from "./target";

/** Address lists: only `maxEntries`, whose bounds are schema rules (reported there). */
function checkAllowlist({ name, at }: NameAt, target: PlainMap): FirewallFact {
  const maxEntries = target.maxEntries;
  if (maxEntries !== undefined && (!Number.isInteger(maxEntries) || (maxEntries as number) < 1 || (maxEntries as number) > 1_000_000)) return { name, at };
  return { name, at, target: { type: "allowlist", name, ...(maxEntries !== undefined ? { maxEntries: maxEntries as number } : {}) } satisfies FirewallTarget };
}

export const allowlistCheck: CheckPart<AllowlistTarget> = { check: (_ctx, nameAt, entry) => checkAllowlist(nameAt, entry) };
