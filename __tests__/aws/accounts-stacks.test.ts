import { describe, expect, test } from "vitest";
import { Testing } from "cdktf";
import { addStacks } from "../../lib/aws/stacks";
import type { AwsFirewallTarget, Config, TerraformSettings } from "../../lib/model/config";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, existingGroup, imapDomain } from "../support/configs";

interface StackJson {
  provider: { aws: { region: string; allowed_account_ids?: string[]; assume_role?: { role_arn: string; session_name: string }[] }[] };
  terraform: { backend: { local?: { path: string }; s3?: { bucket: string; key: string; region: string; encrypt: boolean; use_lockfile?: boolean } } };
  resource: Record<string, Record<string, unknown>>;
}

function synth(cfg: Config, terraform?: TerraformSettings): Map<string, StackJson> {
  const app = Testing.app();
  return new Map(addStacks(app, buildPolicy(cfg), { terraform }).map((stack) => [stack.node.id, JSON.parse(Testing.synth(stack)) as StackJson]));
}

const role = (account: string) => `arn:aws:iam::${account}:role/mailgate-deploy`;
const inAccount = (target: AwsFirewallTarget, account: string, roleArn?: string): AwsFirewallTarget => ({ ...target, account, ...(roleArn ? { roleArn } : {}) });

describe("one stack per account and region", () => {
  const targets = [
    inAccount(createdGroup("a", "us-east-1"), "111111111111", role("111111111111")),
    inAccount(existingGroup("b", "us-east-1", "sg-0b1b2c3d4e5f67890"), "111111111111", role("111111111111")),
    inAccount(createdGroup("c", "eu-west-1"), "111111111111", role("111111111111")),
    inAccount(existingGroup("d", "us-east-1"), "222222222222"),
    createdGroup("e", "us-east-1"),
  ];
  const cfg = config([imapDomain("example.com", ["a", "b", "c", "d", "e"])], targets);

  test("GIVEN targets in two accounts and two regions WHEN synthesized THEN stacks are named by account and region", () => {
    expect([...synth(cfg).keys()]).toEqual([
      "mailgate-111111111111-eu-west-1",
      "mailgate-111111111111-us-east-1",
      "mailgate-222222222222-us-east-1",
      "mailgate-us-east-1",
    ]);
  });

  test("each stack's provider is pinned to its account and assumes its role when given", () => {
    const stacks = synth(cfg);
    expect(stacks.get("mailgate-111111111111-us-east-1")?.provider.aws[0]).toMatchObject({
      region: "us-east-1",
      allowed_account_ids: ["111111111111"],
      assume_role: [{ role_arn: role("111111111111"), session_name: "mailgate" }],
    });
    const noRole = stacks.get("mailgate-222222222222-us-east-1")?.provider.aws[0];
    expect(noRole?.allowed_account_ids).toEqual(["222222222222"]);
    expect(noRole?.assume_role).toBeUndefined();
    const plain = stacks.get("mailgate-us-east-1")?.provider.aws[0];
    expect(plain?.allowed_account_ids).toBeUndefined();
    expect(plain?.assume_role).toBeUndefined();
  });

  test("each target's rules land in its own account's stack", () => {
    const stacks = synth(cfg);
    const rulesOf = (stack: string) =>
      Object.keys(stacks.get(stack)?.resource.aws_vpc_security_group_ingress_rule ?? {}).map((name) => name.split("_")[0]);
    expect(new Set(rulesOf("mailgate-111111111111-us-east-1"))).toEqual(new Set(["a", "b"]));
    expect(new Set(rulesOf("mailgate-222222222222-us-east-1"))).toEqual(new Set(["d"]));
    expect(new Set(rulesOf("mailgate-us-east-1"))).toEqual(new Set(["e"]));
  });

  test("local state by default: one file per stack beside the output directory", () => {
    for (const [name, stack] of synth(cfg)) expect(stack.terraform.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
  });

  test("an S3 backend keeps one encrypted state key per stack, with S3-native locking when asked", () => {
    const stacks = synth(cfg, { backend: { kind: "s3", bucket: "acme-tf-state", keyPrefix: "network/mailgate/", region: "eu-central-1", useLockfile: true } });
    const keys = [...stacks.values()].map((stack) => {
      expect(stack.terraform.backend.s3).toMatchObject({ bucket: "acme-tf-state", region: "eu-central-1", encrypt: true, use_lockfile: true });
      return stack.terraform.backend.s3?.key;
    });
    expect(keys).toEqual([...stacks.keys()].map((name) => `network/mailgate/${name}.tfstate`));
    const noLock = synth(cfg, { backend: { kind: "s3", bucket: "acme-tf-state", keyPrefix: "", region: "eu-central-1", useLockfile: false } });
    expect(noLock.get("mailgate-us-east-1")?.terraform.backend.s3).toEqual({ bucket: "acme-tf-state", key: "mailgate-us-east-1.tfstate", region: "eu-central-1", encrypt: true });
  });
});
