import type { TerraformSettings } from "../model/config";
import { AWS_REGION_PATTERN, KNOWN_AWS_REGIONS } from "./aws-regions";
import { type FileContext, isPlainMap } from "./context";
import type { TerraformFact } from "./facts";
import { messages } from "./messages";
import { didYouMean } from "./suggest";

/** S3's rules for new buckets (no upper case, no underscores, no `..`, not an IP address). */
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const DEFAULT_KEY_PREFIX = "mailgate/";

/** Checks the `terraform` section of one file (its shape is checked by the schema). */
export function checkTerraform(ctx: FileContext, section: unknown): TerraformFact {
  const at = ctx.key(["terraform"]);
  const backend = isPlainMap(section) ? section.backend : undefined;
  if (!isPlainMap(backend)) return { at };
  const present = (["local", "s3"] as const).filter((key) => backend[key] !== undefined);
  // No known backend but other keys: UNKNOWN_KEY (with a did-you-mean) already says it all.
  if (present.length === 0 && Object.keys(backend).length > 0) return { at };
  if (present.length !== 1) {
    ctx.report(messages.backendShape(present), ctx.value(["terraform", "backend"]));
    return { at };
  }
  if (present[0] === "local") return { at, settings: { backend: { kind: "local" } } };
  const s3 = backend.s3;
  if (!isPlainMap(s3) || typeof s3.bucket !== "string" || typeof s3.region !== "string") return { at };
  const path = ["terraform", "backend", "s3"];
  const before = ctx.diagnostics.length;
  if (!BUCKET_NAME.test(s3.bucket)) ctx.report(messages.invalidStateBucket(s3.bucket), ctx.value([...path, "bucket"]));
  if (!AWS_REGION_PATTERN.test(s3.region)) {
    ctx.report(messages.invalidRegion(s3.region, didYouMean(s3.region, KNOWN_AWS_REGIONS)), ctx.value([...path, "region"]));
  }
  const keyPrefix = typeof s3.keyPrefix === "string" ? s3.keyPrefix : DEFAULT_KEY_PREFIX;
  const prefixProblem = keyPrefixProblem(keyPrefix);
  if (prefixProblem) ctx.report(messages.invalidStateKeyPrefix(keyPrefix, prefixProblem), ctx.value([...path, "keyPrefix"]));
  const wellTyped = s3.keyPrefix === undefined || typeof s3.keyPrefix === "string";
  if (ctx.diagnostics.length > before || !wellTyped || (s3.useLockfile !== undefined && typeof s3.useLockfile !== "boolean")) return { at };
  const settings: TerraformSettings = {
    backend: { kind: "s3", bucket: s3.bucket, keyPrefix, region: s3.region, useLockfile: s3.useLockfile === true },
  };
  return { at, settings };
}

/** Keys become `<prefix><stack>.tfstate`: keep them plain paths Terraform and S3 agree on. */
function keyPrefixProblem(prefix: string): string | undefined {
  if (prefix === "") return undefined;
  if (prefix.startsWith("/")) return "S3 keys do not start with /";
  if (!prefix.endsWith("/")) return "it must end with / (each stack's state is <prefix><stack>.tfstate)";
  if (!/^[A-Za-z0-9!_.*'()/-]+$/.test(prefix)) return "use letters, digits and !_.*'()-/ only";
  if (prefix.includes("//") || prefix.split("/").some((part) => part === "." || part === "..")) return "it has an empty, . or .. path segment";
  return undefined;
}
