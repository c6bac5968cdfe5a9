/** The AWS provider version each stack requires: the config's `awsProviderVersion`, else mailgate's default. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { addStacks } from "../../lib/aws/stacks";
import { DEFAULT_AWS_PROVIDER_VERSION, type Config, type TerraformSettings } from "../../lib/model/config";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, existingGroup, imapDomain } from "../support/configs";

interface StackJson {
  "//": { metadata: Record<string, unknown> };
  terraform: { required_providers: { aws: { source: string; version: string } }; backend: Record<string, unknown> };
}

/** Each stack's cdk.tf.json as cdktf writes it, metadata included (Testing.synth strips it). */
function synth(cfg: Config, terraform?: TerraformSettings): Map<string, StackJson> {
  const app = Testing.app();
  return new Map(
    addStacks(app, buildPolicy(cfg), { terraform }).map((stack) => {
      const dir = Testing.fullSynth(stack);
      try {
        return [stack.node.id, JSON.parse(fs.readFileSync(path.join(dir, "stacks", stack.node.id, "cdk.tf.json"), "utf8")) as StackJson];
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }),
  );
}

const cfg = config([imapDomain("example.com", ["a", "b"])], [createdGroup("a", "us-east-1"), existingGroup("b", "eu-west-1")]);

describe("required_providers.aws.version", () => {
  test("GIVEN no awsProviderVersion WHEN synthesized THEN every stack requires the default, with no override recorded", () => {
    const stacks = synth(cfg);
    expect([...stacks.keys()]).toEqual(["mailgate-eu-west-1", "mailgate-us-east-1"]);
    for (const json of stacks.values()) {
      expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version: DEFAULT_AWS_PROVIDER_VERSION });
      // An override would add this metadata: without one, stacks keep the bytes they always had.
      expect(json["//"].metadata.overrides).toBeUndefined();
    }
  });

  test.each(["5.100.0", "~> 6.25", ">= 5.100, < 7.0"])("GIVEN awsProviderVersion %j WHEN synthesized THEN every stack requires exactly it", (version) => {
    const stacks = synth(cfg, { backend: { kind: "local" }, awsProviderVersion: version });
    expect(stacks.size).toBe(2);
    for (const json of stacks.values()) expect(json.terraform.required_providers.aws).toEqual({ source: "aws", version });
  });

  test("GIVEN awsProviderVersion and an S3 backend with use_lockfile WHEN synthesized THEN both overrides hold", () => {
    const stacks = synth(cfg, {
      backend: { kind: "s3", bucket: "my-state", keyPrefix: "mailgate/", region: "us-east-1", useLockfile: true },
      awsProviderVersion: "5.100.0",
    });
    for (const json of stacks.values()) {
      expect(json.terraform.required_providers.aws.version).toBe("5.100.0");
      expect(json.terraform.backend.s3).toMatchObject({ bucket: "my-state", use_lockfile: true });
    }
  });

  test("the default is the version the provider bindings (@cdktf/provider-aws) were generated for", () => {
    const stack = new TerraformStack(Testing.app(), "probe");
    const provider = new AwsProvider(stack, "aws", { region: "us-east-1" });
    expect(provider.terraformGeneratorMetadata?.providerVersion).toBe(DEFAULT_AWS_PROVIDER_VERSION);
  });
});
