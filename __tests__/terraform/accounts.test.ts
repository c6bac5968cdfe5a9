/**
 * Account stacks under the real provider: `allowed_account_ids` and `assume_role` as the AWS
 * provider evaluates them (against the STS stand-in), and the S3 backend as Terraform's real
 * backend code uses it (against the S3 stand-in).
 */
import * as fs from "node:fs";
import { beforeAll, expect, test } from "vitest";
import { writeTree } from "../support/run";
import { assertCreateOnly, assertNoOp, describeWithTerraform, planStack, synthStacks, TerraformError, type PlanJson, type PlanResult } from "../support/terraform";

const ROLE = "arn:aws:iam::111111111111:role/mailgate-deploy";
const ROLE_STACK = "mailgate-111111111111-us-east-1";
const ACCOUNT_STACK = "mailgate-222222222222-eu-west-1";

const CONFIG = {
  "mail.yaml": `
domains:
  - domain: example.com
    imap:
      incoming: { host: imap.example.com, port: 993 }
      outgoing: { host: smtp.example.com, port: 587 }
    firewalls: [role-group, account-group]
firewalls:
  role-group:
    type: aws-security-group
    region: us-east-1
    vpcId: vpc-0a1b2c3d4e5f67890
    name: hubspot-mail-ingress
    account: "111111111111"
    roleArn: ${ROLE}
  account-group:
    type: aws-security-group
    region: eu-west-1
    securityGroupId: sg-0a1b2c3d4e5f67890
    account: "222222222222"
terraform:
  backend:
    s3: { bucket: acme-terraform-state, region: eu-central-1, keyPrefix: mailgate/, useLockfile: true }
`,
};

const providerSetting = (plan: PlanJson, name: string): unknown => plan.configuration.provider_config?.aws?.expressions?.[name];
const ruleCount = (plan: PlanJson) => (plan.resource_changes ?? []).filter((c) => c.type === "aws_vpc_security_group_ingress_rule").length;

describeWithTerraform("account stacks (account, roleArn, S3 backend) planned by Terraform", () => {
  let stacks: Record<string, unknown> = {};
  const planned = new Map<string, PlanResult>();
  beforeAll(async () => {
    const configDir = writeTree(CONFIG);
    try {
      stacks = synthStacks(configDir);
    } finally {
      fs.rmSync(configDir, { recursive: true, force: true });
    }
    for (const [name, json] of Object.entries(stacks)) planned.set(name, await planStack(json));
  }, 120_000);

  test("one stack per account and region, each only creating its target's 12 rules", () => {
    expect([...planned.keys()].sort()).toEqual([ROLE_STACK, ACCOUNT_STACK]);
    for (const { plan } of planned.values()) {
      assertCreateOnly(plan);
      expect(ruleCount(plan)).toBe(12);
    }
  });

  test("the role stack's provider assumes the role as session mailgate, and the assumed credentials' account passes allowed_account_ids", () => {
    const { plan, awsRequests } = planned.get(ROLE_STACK)!;
    expect(providerSetting(plan, "allowed_account_ids")).toEqual({ constant_value: ["111111111111"] });
    expect(providerSetting(plan, "assume_role")).toEqual([{ role_arn: { constant_value: ROLE }, session_name: { constant_value: "mailgate" } }]);
    const assumed = awsRequests.filter((r) => r.action === "AssumeRole");
    expect(assumed.length).toBeGreaterThan(0);
    for (const r of assumed) expect(r.params).toMatchObject({ RoleArn: ROLE, RoleSessionName: "mailgate" });
    // The stand-in's base credentials are account 000000000000's: only the role reaches 111111111111.
    expect(assumed.every((r) => r.accessKeyId === "AKIA000000000000FAKE")).toBe(true);
    const identities = awsRequests.filter((r) => r.action === "GetCallerIdentity");
    expect(identities.length).toBeGreaterThan(0);
    expect(identities.every((r) => r.accessKeyId === "ASIA111111111111FAKE" && r.account === "111111111111")).toBe(true);
  });

  test("the account stack's provider is pinned to its account and assumes no role", () => {
    const { plan, awsRequests } = planned.get(ACCOUNT_STACK)!;
    expect(providerSetting(plan, "allowed_account_ids")).toEqual({ constant_value: ["222222222222"] });
    expect(providerSetting(plan, "assume_role")).toBeUndefined();
    expect(awsRequests.filter((r) => r.action === "AssumeRole")).toEqual([]);
    // Deployed with that account's own credentials (planStack's default for such a stack).
    const identities = awsRequests.filter((r) => r.action === "GetCallerIdentity");
    expect(identities.length).toBeGreaterThan(0);
    expect(identities.every((r) => r.accessKeyId === "AKIA000000000000FAKE" && r.account === "222222222222")).toBe(true);
  });

  test("GIVEN credentials of another account WHEN the account stack is planned THEN the provider refuses before planning anything", async () => {
    const refused = await planStack(stacks[ACCOUNT_STACK], { callerAccount: "999999999999" }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(TerraformError);
    expect((refused as TerraformError).step).toBe("plan");
    expect((refused as TerraformError).output).toMatch(/AWS account ID not allowed: 999999999999/);
  }, 60_000);

  test("the account stack planned again against the state its plan would leave: a no-op", async () => {
    assertNoOp((await planStack(stacks[ACCOUNT_STACK], { state: planned.get(ACCOUNT_STACK)!.appliedState })).plan);
  }, 60_000);

  test("GIVEN the real S3 backend (S3 stand-in) and the applied state in the bucket WHEN initialised and planned THEN it reads the stack's key, takes and releases the lock file, and plans a no-op", async () => {
    const { plan, awsRequests } = await planStack(stacks[ROLE_STACK], { backend: "s3", state: planned.get(ROLE_STACK)!.appliedState });
    assertNoOp(plan);
    expect(plan.resource_changes?.length).toBe(planned.get(ROLE_STACK)!.plan.resource_changes?.length);
    const s3 = awsRequests.filter((r) => r.service === "s3").map((r) => `${r.action} ${r.path}`);
    const key = `/acme-terraform-state/mailgate/${ROLE_STACK}.tfstate`;
    expect(s3).toContain(`GetObject ${key}`);
    expect(s3).toContain(`PutObject ${key}.tflock`);
    expect(s3).toContain(`DeleteObject ${key}.tflock`);
    expect(s3.filter((r) => r.startsWith("PutObject") && !r.endsWith(".tflock"))).toEqual([]);
  }, 90_000);
});
