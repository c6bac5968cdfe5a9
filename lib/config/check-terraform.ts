import type { TerraformBackendSettings } from "../model/config";
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
  if (!isPlainMap(section)) return { at };
  const backend = section.backend === undefined ? ({ kind: "local" } as const) : checkBackend(ctx, section.backend);
  const version = section.awsProviderVersion;
  if (typeof version === "string") {
    const problem = providerVersionProblem(version);
    if (problem) ctx.report(messages.invalidProviderVersion(version, problem), ctx.value(["terraform", "awsProviderVersion"]));
    else if (backend) return { at, settings: { backend, awsProviderVersion: version } };
    return { at };
  }
  // Any other type than a string: WRONG_TYPE from the schema already says so.
  return backend && version === undefined ? { at, settings: { backend } } : { at };
}

function checkBackend(ctx: FileContext, backend: unknown): TerraformBackendSettings | undefined {
  if (!isPlainMap(backend)) return undefined;
  const present = (["local", "s3"] as const).filter((key) => backend[key] !== undefined);
  // No known backend but other keys: UNKNOWN_KEY (with a did-you-mean) already says it all.
  if (present.length === 0 && Object.keys(backend).length > 0) return undefined;
  if (present.length !== 1) {
    ctx.report(messages.backendShape(present), ctx.value(["terraform", "backend"]));
    return undefined;
  }
  if (present[0] === "local") return { kind: "local" };
  const s3 = backend.s3;
  if (!isPlainMap(s3) || typeof s3.bucket !== "string" || typeof s3.region !== "string") return undefined;
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
  if (ctx.diagnostics.length > before || !wellTyped || (s3.useLockfile !== undefined && typeof s3.useLockfile !== "boolean")) return undefined;
  return { kind: "s3", bucket: s3.bucket, keyPrefix, region: s3.region, useLockfile: s3.useLockfile === true };
}

/**
 * One constraint of a Terraform provider version constraint (Ruby style, as `required_providers`
 * reads it): an optional operator, then one to three numbers and an optional pre-release.
 */
const VERSION_CONSTRAINT = /^\s*(=|!=|>=|<=|>|<|~>)?\s*(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(-[0-9A-Za-z][0-9A-Za-z.-]*)?\s*$/;
/** The first major version with everything mailgate's stacks declare the way they declare it. */
const FIRST_SUPPORTED_MAJOR = 5;

/**
 * Why `text` is not a plausible constraint for hashicorp/aws, or undefined. Terraform itself would
 * reject a malformed one only at `init`, far from the YAML line; and a constraint that admits only
 * versions before 5 would fail at plan on resources or arguments that provider does not have.
 */
export function providerVersionProblem(text: string): string | undefined {
  if (text.trim() === "") return "it is empty";
  for (const part of text.split(",")) {
    const match = VERSION_CONSTRAINT.exec(part);
    if (!match) {
      const shown = JSON.stringify(part.trim());
      return part.trim() === ""
        ? "it has an empty constraint between commas"
        : `${shown} is not a version constraint: an optional operator (=, !=, >, >=, <, <=, ~>) and a version of one to three numbers${/^\s*(=|!=|>=|<=|>|<|~>)?\s*v/.test(part) ? ", without a leading v" : ""}`;
    }
    const [, operator = "=", major, minor, patch, prerelease] = match;
    // An upper bound below 5.0.0: every version the whole constraint admits is older.
    const below = Number(major) < FIRST_SUPPORTED_MAJOR;
    const exactlyFive = Number(major) === FIRST_SUPPORTED_MAJOR && Number(minor ?? 0) === 0 && Number(patch ?? 0) === 0 && prerelease === undefined;
    if (((operator === "=" || operator === "~>" || operator === "<=") && below) || (operator === "<" && (below || exactlyFive))) {
      return `it admits only versions before ${FIRST_SUPPORTED_MAJOR}.0.0, and mailgate's resources need hashicorp/aws ${FIRST_SUPPORTED_MAJOR} or later`;
    }
  }
  return undefined;
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
