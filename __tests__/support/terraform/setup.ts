/**
 * What the Terraform tier needs and where it finds it: the CLI from the PATH (or
 * `MAILGATE_TERRAFORM`), the AWS provider from a filesystem mirror (`MAILGATE_TF_MIRROR`, else the
 * parent of the first folder `find / -maxdepth 4 -type d -name registry.terraform.io` prints: the
 * machine image's plugins folder); and `describeWithTerraform`, which runs, fails or skips a
 * block accordingly.
 *
 * The stack is planned with provider 5.100.0 (the mirror's) while users pin 6.25.0: the tier
 * proves what Terraform and that provider accept and plan; a difference between the two major
 * versions is beyond it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "vitest";

/** The provider version in the mirror, which the scratch copies are rewritten to require. */
export const MIRROR_PROVIDER_VERSION = "5.100.0";
export const PROVIDER = "registry.terraform.io/hashicorp/aws";
/** The account of the fake base credentials, unless a plan says otherwise. */
export const DEFAULT_CALLER_ACCOUNT = "000000000000";

export type TerraformSetup =
  | { readonly ok: true; readonly terraform: string; readonly version: string; readonly mirror: string; readonly platform: string }
  | { readonly ok: false; readonly reason: string };

let setupMemo: TerraformSetup | undefined;

/**
 * Finds the Terraform CLI (1.10 or later: the S3 backend's `use_lockfile`) and a filesystem mirror
 * holding hashicorp/aws 5.100.0 for this platform. Never throws; `reason` names what is missing
 * and how it was looked for. Memoized per process.
 */
export function terraformSetup(): TerraformSetup {
  return (setupMemo ??= findSetup());
}

function findSetup(): TerraformSetup {
  const terraform = process.env.MAILGATE_TERRAFORM || "terraform";
  const run = spawnSync(terraform, ["version", "-json"], { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" }, timeout: 30_000 });
  if (run.error || run.status !== 0) {
    const why = run.error ? (run.error as NodeJS.ErrnoException).code ?? run.error.message : `exit ${run.status}: ${run.stderr.trim()}`;
    const where = process.env.MAILGATE_TERRAFORM ? `MAILGATE_TERRAFORM=${terraform}` : `\`${terraform}\` on PATH=${process.env.PATH ?? ""}`;
    return { ok: false, reason: `the Terraform CLI: \`${terraform} version -json\` failed (${why}); looked for ${where}` };
  }
  let version: string;
  let platform: string;
  try {
    ({ terraform_version: version, platform } = JSON.parse(run.stdout) as { terraform_version: string; platform: string });
  } catch {
    return { ok: false, reason: `the Terraform CLI: \`${terraform} version -json\` printed no JSON: ${run.stdout.slice(0, 200)}` };
  }
  const [major, minor] = version.split(".").map(Number);
  if (major !== 1 || minor < 10) return { ok: false, reason: `the Terraform CLI: found ${version} at \`${terraform}\`, need 1.10 or later (tested with 1.11)` };

  const providerDir = (root: string) => path.join(root, "registry.terraform.io", "hashicorp", "aws", MIRROR_PROVIDER_VERSION, platform);
  const fromEnv = process.env.MAILGATE_TF_MIRROR;
  if (fromEnv) {
    if (!fs.existsSync(providerDir(fromEnv))) return { ok: false, reason: `the provider mirror: MAILGATE_TF_MIRROR=${fromEnv} has no ${path.relative(fromEnv, providerDir(fromEnv))}` };
    return { ok: true, terraform, version, mirror: path.resolve(fromEnv), platform };
  }
  const found = spawnSync("find", ["/", "-maxdepth", "4", "-type", "d", "-name", "registry.terraform.io"], { encoding: "utf8", timeout: 60_000 });
  const roots = (found.stdout ?? "").split("\n").filter(Boolean).map((dir) => path.dirname(dir));
  const mirror = roots.find((root) => fs.existsSync(providerDir(root)));
  if (!mirror) {
    const seen = roots.length ? `found only ${roots.map((r) => path.join(r, "registry.terraform.io")).join(", ")}, without hashicorp/aws/${MIRROR_PROVIDER_VERSION}/${platform}` : "found no such folder";
    return { ok: false, reason: `the provider mirror: MAILGATE_TF_MIRROR is unset and \`find / -maxdepth 4 -type d -name registry.terraform.io\` ${seen}` };
  }
  return { ok: true, terraform, version, mirror, platform };
}

let skipNoticePrinted = false;

/**
 * `describe`, when Terraform and the mirror are there. Otherwise: with
 * MAILGATE_REQUIRE_TERRAFORM=1 (CI) one failing test saying what is missing; without it the block
 * is skipped, with one console line per process saying why and how to enable it.
 */
export function describeWithTerraform(name: string, fn: () => void): void {
  const setup = terraformSetup();
  if (setup.ok) {
    describe(name, fn);
    return;
  }
  if (process.env.MAILGATE_REQUIRE_TERRAFORM === "1") {
    describe(name, () => {
      test("Terraform and the AWS provider mirror are available (MAILGATE_REQUIRE_TERRAFORM=1)", () => {
        throw new Error(`MAILGATE_REQUIRE_TERRAFORM=1, but the Terraform tier cannot run: missing ${setup.reason}`);
      });
    });
    return;
  }
  if (!skipNoticePrinted) {
    skipNoticePrinted = true;
    console.log(
      `Terraform tier skipped: missing ${setup.reason}. To run it, install Terraform 1.11 and a filesystem mirror with hashicorp/aws ${MIRROR_PROVIDER_VERSION} and set MAILGATE_TF_MIRROR to the mirror's root.`,
    );
  }
  describe.skip(name, fn);
}

/** The setup, or an error naming what is missing: for code that runs only when the tier does. */
export function requiredSetup(): Extract<TerraformSetup, { ok: true }> {
  const setup = terraformSetup();
  if (!setup.ok) throw new Error(`Terraform tier: missing ${setup.reason}`);
  return setup;
}
