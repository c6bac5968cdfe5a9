// main.ts runs the verifier on the JSON cdktf wrote to its staging directory, before anything
// moves into place: when the verifier refuses what was written, every earlier output stays as it
// was. A bug in the constructs is simulated by breaking the JSON as it is read back, so the real
// verifier is what refuses it.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { CoverageError } from "../../lib/audit/coverage";
import { synth } from "../../main";
import { shippedExample } from "../hostile/support";
import { readTree, tempDir, writeTree } from "../support/run";

const broken = vi.hoisted(() => ({ extraRule: false }));

vi.mock("../../lib/verify/terraform-json", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/verify/terraform-json")>();
  return {
    ...real,
    readWrittenStacks: (outDir: string) => {
      const stacks = real.readWrittenStacks(outDir);
      if (broken.extraRule) {
        // What a construct bug would write: one more rule on the example's created group.
        const rules = (stacks[stacks.length - 1].json as { resource: Record<string, Record<string, object>> }).resource.aws_vpc_security_group_ingress_rule;
        const [name, rule] = Object.entries(rules)[0];
        rules[`${name}_sneaky`] = { ...rule, cidr_ipv4: "44.10.0.0/24", cidr_ipv6: undefined, prefix_list_id: undefined };
      }
      return stacks;
    },
  };
});

const savedEnv = { ...process.env };
beforeEach(() => {
  broken.extraRule = false;
  // The stack of a failure is not what this test is about; DEBUG keeps the worker's source maps on.
  process.env.DEBUG = "mailgate";
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(() => {
  process.env = { ...savedEnv };
  vi.restoreAllMocks();
});

describe("main.ts verifies the written Terraform before the commit", () => {
  test("GIVEN earlier outputs WHEN the written JSON admits an extra CIDR THEN synth throws the verifier's error and every output stays as it was", async () => {
    const work = tempDir();
    const config = writeTree(shippedExample(), path.join(work, "config"));
    const args = ["--config", config, "--out", path.join(work, "generated"), "--terraform-out", path.join(work, "cdktf.out")];
    expect(await synth(args)).toBe(0);
    const before = { tf: readTree(path.join(work, "cdktf.out")), artifacts: readTree(path.join(work, "generated")), entries: fs.readdirSync(work).sort() };
    expect(Object.keys(before.tf)).toContain("stacks/mailgate-us-east-1/cdk.tf.json");

    // The config changes (SMTP moves to 2587), so every output would change, and the JSON is broken.
    fs.writeFileSync(path.join(config, "domains/imap.yaml"), fs.readFileSync(path.join(config, "domains/imap.yaml"), "utf8").replace("port: 587 }", "port: 2587 }"));
    broken.extraRule = true;
    const failure = await synth(args).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CoverageError);
    expect((failure as Error).message).toMatch(/^the generated rules for target \S+ port \d+ open \d+ addresses but HubSpot's lists require \d+: missing none, extra 44\.10\.0\.0-44\.10\.0\.255 \(256 addresses\)/);
    expect(readTree(path.join(work, "cdktf.out"))).toEqual(before.tf);
    expect(readTree(path.join(work, "generated"))).toEqual(before.artifacts);
    // No staging directory or temporary file left beside the outputs.
    expect(fs.readdirSync(work).sort()).toEqual(before.entries);

    // The same change, written as the constructs really write it, goes through.
    broken.extraRule = false;
    expect(await synth(args)).toBe(0);
    expect(readTree(path.join(work, "cdktf.out"))).not.toEqual(before.tf);
  });
});
