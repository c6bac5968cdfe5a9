/**
 * `mailgate adopt` with the real Terraform CLI and AWS provider: the stack the next synth writes,
 * with its `import` blocks, is planned, and the provider reads each imported rule through EC2's
 * `DescribeSecurityGroupRules` from a small stand-in on 127.0.0.1 (below) that answers from the
 * same export adopt read. It stands in for EC2 in the target's region, as it would answer a
 * read-only role: only that one action, only the rules the export holds. The plan must import
 * the three hand-made rules (updating their description and tags in place, as the README says)
 * and create none of them.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { adoptCommand } from "../../lib/live/adopt";
import { capturedIo, configDir } from "../cli/helpers";
import { copy, exportsOf, synthesize, writeExports, type Synthesized } from "../live/helpers";
import { runTs, tempDir } from "../support/run";
import { describeWithTerraform, planStack, type PlanJson } from "../support/terraform";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GROUP = "sg-0a1b2c3d4e5f67890";
const STACK = "mailgate-eu-central-1";

interface Ec2StandIn {
  readonly url: string;
  /** The rule ids each DescribeSecurityGroupRules asked for. */
  readonly asked: string[][];
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** EC2's query API for DescribeSecurityGroupRules, answered from `rules` (AWS CLI export entries). */
async function ec2StandIn(rules: readonly Json[]): Promise<Ec2StandIn> {
  const asked: string[][] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      const params = new URLSearchParams(body);
      const ids = [...params].filter(([k]) => /^SecurityGroupRuleId\.\d+$/.test(k)).map(([, v]) => v);
      // The provider may ask by filter instead of by id: security-group-rule-id, its values.
      for (const [k, v] of params) {
        const m = /^Filter\.(\d+)\.Name$/.exec(k);
        if (m && v === "security-group-rule-id") for (const [k2, v2] of params) if (k2.startsWith(`Filter.${m[1]}.Value.`)) ids.push(v2);
      }
      if (params.get("Action") !== "DescribeSecurityGroupRules") {
        res.writeHead(400, { "content-type": "text/xml" });
        res.end(`<Response><Errors><Error><Code>UnsupportedOperation</Code><Message>EC2 stand-in: ${xml(params.get("Action") ?? "?")} is not stood in for</Message></Error></Errors><RequestID>0</RequestID></Response>`);
        return;
      }
      asked.push(ids);
      const found = rules.filter((r) => ids.includes(r.SecurityGroupRuleId));
      const item = (r: Json) =>
        `<item><securityGroupRuleId>${r.SecurityGroupRuleId}</securityGroupRuleId><groupId>${r.GroupId}</groupId><groupOwnerId>${r.GroupOwnerId}</groupOwnerId>` +
        `<isEgress>${r.IsEgress}</isEgress><ipProtocol>${r.IpProtocol}</ipProtocol><fromPort>${r.FromPort}</fromPort><toPort>${r.ToPort}</toPort>` +
        (r.CidrIpv4 ? `<cidrIpv4>${r.CidrIpv4}</cidrIpv4>` : "") +
        (r.CidrIpv6 ? `<cidrIpv6>${r.CidrIpv6}</cidrIpv6>` : "") +
        (r.Description ? `<description>${xml(r.Description)}</description>` : "") +
        `<tagSet>${(r.Tags ?? []).map((t: Json) => `<item><key>${xml(t.Key)}</key><value>${xml(t.Value)}</value></item>`).join("")}</tagSet></item>`;
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSecurityGroupRulesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>00000000-0000-0000-0000-000000000000</requestId><securityGroupRuleSet>${found.map(item).join("")}</securityGroupRuleSet></DescribeSecurityGroupRulesResponse>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, asked, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describeWithTerraform("mailgate adopt, planned by the real Terraform CLI and AWS provider", () => {
  let synth: Synthesized;
  let handMade: Map<string, string>;
  let handRules: Json[];
  let stack: Json;
  let ec2: Ec2StandIn;

  beforeAll(async () => {
    synth = synthesize(configDir());
    const planned = exportsOf(synth);
    const dmz = synth.stacks.find((s) => s.region === "eu-central-1")?.json as Json;
    const chosen = Object.entries(dmz.resource.aws_vpc_security_group_ingress_rule as Record<string, Json>)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .slice(0, 3);
    const e = copy(planned);
    const byContent = (r: Json) => e.rules.SecurityGroupRules.find((x: Json) => x.GroupId === GROUP && x.FromPort === r.from_port && x.CidrIpv4 === r.cidr_ipv4);
    handMade = new Map(chosen.map(([name, r]) => [`aws_vpc_security_group_ingress_rule.${name}`, byContent(r).SecurityGroupRuleId as string]));
    const keep = new Set(handMade.values());
    // Hand-made: no mailgate tags, a description of their own. The group's other planned rules are not there yet.
    e.rules.SecurityGroupRules = e.rules.SecurityGroupRules.filter((r: Json) => r.GroupId !== GROUP || keep.has(r.SecurityGroupRuleId)).map((r: Json) =>
      keep.has(r.SecurityGroupRuleId) ? { ...r, Description: "HubSpot, opened by hand", Tags: [{ Key: "Owner", Value: "it" }] } : r,
    );
    handRules = e.rules.SecurityGroupRules.filter((r: Json) => keep.has(r.SecurityGroupRuleId));
    const { io, output } = capturedIo();
    expect(adoptCommand(["--config", synth.config, "--out", synth.out, ...writeExports(e)], io), output().stderr).toBe(0);

    const tf = path.join(tempDir("mailgate-adopt-tf-"), "cdktf.out");
    const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: synth.config, MAILGATE_OUT: synth.out, CDKTF_OUTDIR: tf } });
    expect(result.status, result.stderr).toBe(0);
    stack = JSON.parse(fs.readFileSync(path.join(tf, "stacks", STACK, "cdk.tf.json"), "utf8")) as Json;
    ec2 = await ec2StandIn(handRules);
  }, 180_000);

  afterAll(async () => {
    await ec2?.close();
  });

  test("GIVEN the stack the next synth writes after adopt WHEN Terraform plans it on empty state THEN the three hand-made rules are imported (read through DescribeSecurityGroupRules), none of them created", async () => {
    expect(stack.import).toHaveLength(3);
    // The provider of this plan reaches EC2 at the stand-in; everything else as planStack sets it.
    const json = copy(stack);
    for (const provider of json.provider.aws) provider.endpoints = [{ ec2: ec2.url }];
    const { plan } = await planStack(json);
    const changes = (plan as PlanJson).resource_changes ?? [];
    const importing = changes.filter((c) => (c.change as { importing?: { id: string } }).importing);
    expect(new Map(importing.map((c) => [c.address, (c.change as unknown as { importing: { id: string } }).importing.id]))).toEqual(handMade);
    for (const c of importing) {
      // Imported, then updated in place (mailgate's description and tags): never created or replaced.
      expect(c.change.actions, c.address).not.toContain("create");
      expect(c.change.actions, c.address).not.toContain("delete");
      const before = c.change.before as Json;
      const mine = handRules.find((r) => r.SecurityGroupRuleId === before.security_group_rule_id) as Json;
      expect(before.cidr_ipv4).toBe(mine.CidrIpv4);
      expect(before.description).toBe("HubSpot, opened by hand");
    }
    // The group's other planned rules are created; the imported ones are not among them.
    const created = changes.filter((c) => c.change.actions.includes("create")).map((c) => c.address);
    expect(created.length).toBeGreaterThan(0);
    for (const address of handMade.keys()) expect(created).not.toContain(address);
    expect(ec2.asked.flat().sort()).toEqual(expect.arrayContaining([...handMade.values()].sort()));
  }, 300_000);
});
