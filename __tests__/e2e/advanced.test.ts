import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { validateConfig } from "../../lib/validate";
import { PROJECT_ROOT, readTree, runTs, tempDir, writeTree } from "../support/run";
import { admittedSpans, asText, oracle, readTerraform, returnMismatches, type TfJson } from "../support/tf-reader";

const ADVANCED = path.join(PROJECT_ROOT, "examples", "advanced");

function synth(configDir: string, work = tempDir()) {
  const tfOut = path.join(work, "cdktf.out");
  const artifacts = path.join(work, "generated");
  const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: configDir, MAILGATE_OUT: artifacts, CDKTF_OUTDIR: tfOut } });
  return { ...result, tfOut, artifacts, work };
}

describe("examples/advanced: one target of every type, end to end", () => {
  const run = synth(ADVANCED);

  test("GIVEN the advanced example WHEN synthesized by main.ts THEN exit 0, one stack per region, the report covering every type", () => {
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(Object.keys(readTree(run.tfOut)).filter((f) => f.endsWith("cdk.tf.json"))).toEqual([
      "stacks/mailgate-eu-west-1/cdk.tf.json",
      "stacks/mailgate-us-east-1/cdk.tf.json",
    ]);
    const report = JSON.parse(fs.readFileSync(path.join(run.artifacts, "firewall-rules.json"), "utf8")) as { targets: { target: string; type: string }[] };
    expect(report.targets.map((t) => `${t.target} ${t.type}`)).toEqual([
      "mail-acl aws-network-acl",
      "mail-nfw aws-network-firewall",
      "mail-prefix-lists aws-security-group",
      "mail-split aws-security-group",
    ]);
  });

  test("an independent reader of the written cdk.tf.json finds exactly HubSpot's published ranges on every target", () => {
    const tree = readTree(run.tfOut);
    const stacks: Record<string, TfJson> = Object.fromEntries(
      Object.entries(tree)
        .filter(([f]) => f.endsWith("cdk.tf.json"))
        .map(([f, text]) => [f.split("/")[1], JSON.parse(text) as TfJson]),
    );
    const { config } = validateConfig(ADVANCED);
    const read = readTerraform(stacks, config!);
    expect(read.problems).toEqual([]);
    expect(asText(admittedSpans(read))).toEqual(asText(oracle(config!)));
    expect(returnMismatches(read, config!)).toEqual([]);
    expect([...(read.groups.get("mail-split")?.keys() ?? [])]).toEqual(["${aws_security_group.mail-split_group.id}", "${aws_security_group.mail-split_group_2.id}"]);
  });

  test("GIVEN the example with its split group turned into an existing one WHEN synthesized THEN exit 1 at the firewall, nothing written", () => {
    const firewalls = fs
      .readFileSync(path.join(ADVANCED, "firewalls.yaml"), "utf8")
      .replace("    vpcId: vpc-0a1b2c3d4e5f67890\n    name: hubspot-mail-split\n", "    securityGroupId: sg-0a1b2c3d4e5f67890\n");
    const dir = writeTree({ "domains.yaml": fs.readFileSync(path.join(ADVANCED, "domains.yaml"), "utf8"), "firewalls.yaml": firewalls });
    const result = synth(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/firewalls\.yaml:\d+:3: error RULE_QUOTA_EXCEEDED: Firewall `mail-split` needs 30 IPv4 inbound rules in existing security group sg-0a1b2c3d4e5f67890, but `maxRules` allows 20/);
    expect(readTree(result.tfOut)).toEqual({});
    expect(readTree(result.artifacts)).toEqual({});
  });
});
