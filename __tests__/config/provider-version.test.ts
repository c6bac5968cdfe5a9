/**
 * `terraform.awsProviderVersion`: a Terraform version constraint for hashicorp/aws, checked where
 * it is written (Terraform itself would refuse a malformed one only at `init`, far from the YAML).
 */
import { afterAll, describe, expect, test } from "vitest";
import type { DiagnosticCode } from "../../lib/config/diagnostic";
import { providerVersionProblem } from "../../lib/config/check-terraform";
import { domainUsing, firewall } from "./builders";
import { load, removeTempDirs, where, yaml } from "./helpers";

afterAll(removeTempDirs);

const sg = { "a.yaml": domainUsing("fw"), "fw.yaml": firewall({ name: "fw", target: ["securityGroupId: sg-0a1b2c3d"] }) };
/** A config whose tf.yaml holds a `terraform:` section of these lines (the first at line 2, column 3). */
const withTerraform = (...lines: string[]) => ({ ...sg, "tf.yaml": yaml("terraform:", ...lines.map((l) => `  ${l}`)) });

describe("terraform.awsProviderVersion", () => {
  test.each([
    ["an exact version", "5.100.0"],
    ["an exact version with =", "= 5.100.0"],
    ["a pessimistic constraint", "~> 6.25"],
    ["a range", ">= 5.100, < 7.0"],
    ["a range with an exclusion", ">= 6.0, != 6.3.0"],
    ["a pre-release", "6.30.0-beta1"],
    ["no spaces", ">=5.0,<7"],
  ])("GIVEN %s (%s) WHEN loaded THEN it is valid and kept as written, with local state", (_, constraint) => {
    const { config, diagnostics } = load(withTerraform(`awsProviderVersion: "${constraint}"`));
    expect(diagnostics).toEqual([]);
    expect(config?.terraform).toEqual({ backend: { kind: "local" }, awsProviderVersion: constraint });
  });

  test("GIVEN it beside an S3 backend WHEN loaded THEN both are kept", () => {
    const { config, diagnostics } = load(withTerraform('awsProviderVersion: "5.100.0"', "backend:", "  s3: { bucket: my-state, region: us-east-1 }"));
    expect(diagnostics).toEqual([]);
    expect(config?.terraform).toEqual({
      backend: { kind: "s3", bucket: "my-state", keyPrefix: "mailgate/", region: "us-east-1", useLockfile: false },
      awsProviderVersion: "5.100.0",
    });
  });

  test("GIVEN a terraform section with a backend only WHEN loaded THEN no provider version is set (the default applies)", () => {
    const { config } = load(withTerraform("backend:", "  local: {}"));
    expect(config?.terraform).toEqual({ backend: { kind: "local" } });
  });

  test.each<[string, string, DiagnosticCode, string, string]>([
    ["a leading v", 'awsProviderVersion: "v5.100.0"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "without a leading v"],
    ["words", 'awsProviderVersion: "latest"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", '"latest" is not a version constraint'],
    ["an npm-style caret", 'awsProviderVersion: "^6.25.0"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", '"^6.25.0" is not a version constraint'],
    ["four numbers", 'awsProviderVersion: "6.25.0.1"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "one to three numbers"],
    ["an empty string", 'awsProviderVersion: ""', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "it is empty"],
    ["a trailing comma", 'awsProviderVersion: ">= 5.0,"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "empty constraint between commas"],
    ["a version 4", 'awsProviderVersion: "4.67.0"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "only versions before 5.0.0"],
    ["a 4.x pessimistic constraint", 'awsProviderVersion: "~> 4.60"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "only versions before 5.0.0"],
    ["an upper bound of 5.0.0", 'awsProviderVersion: ">= 4.0, < 5.0.0"', "INVALID_PROVIDER_VERSION", "tf.yaml:2:23", "only versions before 5.0.0"],
    ["an unquoted number (YAML reads 6.25)", "awsProviderVersion: 6.25", "WRONG_TYPE", "tf.yaml:2:23", "string"],
  ])("GIVEN %s WHEN loaded THEN exactly one error at the value, saying why", (_, line, code, at, says) => {
    const { config, diagnostics } = load(withTerraform(line));
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual([`${code} ${at}`]);
    expect(`${diagnostics[0].message} ${diagnostics[0].hint ?? ""}`).toContain(says);
    expect(config).toBeUndefined();
  });

  test("the message names the value and the hint shows constraints that work", () => {
    const { diagnostics } = load(withTerraform('awsProviderVersion: "latest"'));
    expect(diagnostics[0].message).toMatchInlineSnapshot(
      `"Invalid \`awsProviderVersion\` "latest": "latest" is not a version constraint: an optional operator (=, !=, >, >=, <, <=, ~>) and a version of one to three numbers."`,
    );
    expect(diagnostics[0].hint).toMatchInlineSnapshot(
      `"write a Terraform version constraint for hashicorp/aws 5 or later, e.g. "5.100.0" (exactly the version your mirror holds) or "~> 6.25""`,
    );
  });

  test.each([
    ["5.0.0", undefined],
    ["<= 5.0.0", undefined],
    ["< 5.0.1", undefined],
    ["> 4.0", undefined],
    ["!= 4.0.0", undefined],
    ["<= 4.99.9", "before 5.0.0"],
    ["< 5", "before 5.0.0"],
  ])("the major-version floor: %s", (constraint, problem) => {
    const found = providerVersionProblem(constraint);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  test("an empty terraform section is valid and means the defaults", () => {
    const { config, diagnostics } = load({ ...sg, "tf.yaml": yaml("terraform: {}") });
    expect(diagnostics).toEqual([]);
    expect(config?.terraform).toEqual({ backend: { kind: "local" } });
  });
});
