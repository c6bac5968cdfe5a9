/**
 * `mailgate adopt` (issue 22, day one): rules made by hand in an existing group with a planned
 * rule's content are recorded in adopted.json, and the next synth imports them (top-level
 * `import` blocks in cdk.tf.json) instead of creating them, which AWS would refuse
 * (InvalidPermission.Duplicate). The exports are built from a real synth (helpers.ts), then made
 * to look hand-made: no mailgate tags, another description.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { adoptCommand } from "../../lib/live/adopt";
import { capturedIo, cliAsync, configDir } from "../cli/helpers";
import { readTree, runTs, tempDir } from "../support/run";
import { copy, exportsOf, synthesize, writeExports, type Exports, type Synthesized } from "./helpers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// configDir(): exchange-dmz, an existing group (sg-0a1b2c3d4e5f67890, eu-central-1, tcp/443), and
// mail-use1, a group mailgate creates (us-east-1).
const GROUP = "sg-0a1b2c3d4e5f67890";
const STACK = "mailgate-eu-central-1";
const BROADER = "sgr-0ffffffffffffffff";
const RANGE = "sgr-0eeeeeeeeeeeeeeee";
const EGRESS = "sgr-0dddddddddddddddd";

let synth: Synthesized;
let planned: Exports;
/** The three planned rules of exchange-dmz made by hand: address -> sgr- id. */
let handMade: Map<string, string>;
let handExports: Exports;

beforeAll(() => {
  synth = synthesize(configDir());
  planned = exportsOf(synth);
  const dmz = synth.stacks.find((s) => s.region === "eu-central-1")?.json as Json;
  const resources = Object.entries(dmz.resource.aws_vpc_security_group_ingress_rule as Record<string, Json>).sort(([a], [b]) => (a < b ? -1 : 1));
  expect(resources.length).toBeGreaterThan(3); // else "three of them" would be all of them
  const chosen = resources.slice(0, 3);
  const ofRule = (r: Json) => planned.rules.SecurityGroupRules.find((x: Json) => x.GroupId === GROUP && x.FromPort === r.from_port && (x.CidrIpv4 ?? x.CidrIpv6) === (r.cidr_ipv4 ?? r.cidr_ipv6));
  handMade = new Map(chosen.map(([name, r]) => [`aws_vpc_security_group_ingress_rule.${name}`, ofRule(r).SecurityGroupRuleId as string]));

  handExports = copy(planned);
  const keep = new Set(handMade.values());
  // Only the three hand-made rules in the existing group (the rest the apply creates), without
  // mailgate's tags and with a description of their own: AWS ignores both when it refuses a duplicate.
  handExports.rules.SecurityGroupRules = handExports.rules.SecurityGroupRules.filter((r: Json) => r.GroupId !== GROUP || keep.has(r.SecurityGroupRuleId)).map((r: Json) =>
    keep.has(r.SecurityGroupRuleId) ? { ...r, Description: "HubSpot, opened by hand", Tags: [] } : r,
  );
  const first = handExports.rules.SecurityGroupRules.find((r: Json) => r.SecurityGroupRuleId === handMade.values().next().value);
  const hand = (over: Json) => ({ GroupOwnerId: "000000000000", GroupId: GROUP, IsEgress: false, Tags: [], ...over });
  handExports.rules.SecurityGroupRules.push(
    // A broader block on the mail port: admits addresses outside HubSpot's lists.
    hand({ SecurityGroupRuleId: BROADER, IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIpv4: "141.193.0.0/16" }),
    // A planned rule's block on every port: inside the lists, yet not a planned rule's content.
    hand({ SecurityGroupRuleId: RANGE, IpProtocol: "tcp", FromPort: 0, ToPort: 65535, CidrIpv4: first.CidrIpv4 }),
    // Egress with a planned rule's content: not an inbound rule, never adopted.
    hand({ SecurityGroupRuleId: EGRESS, IsEgress: true, IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIpv4: first.CidrIpv4 }),
  );
}, 180_000);

function adopt(args: string[], out: string) {
  const { io, output } = capturedIo();
  const status = adoptCommand(["--config", synth.config, "--out", out, ...args], io);
  return { status, ...output() };
}

/** A copy of the artifacts directory of the first synth (placements.json), for one test to change. */
function artifactsCopy(): string {
  const out = path.join(tempDir("mailgate-adopt-"), "generated");
  fs.cpSync(synth.out, out, { recursive: true });
  return out;
}

function synthInto(out: string, tf = path.join(tempDir("mailgate-adopt-tf-"), "cdktf.out")) {
  const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: synth.config, MAILGATE_OUT: out, CDKTF_OUTDIR: tf } });
  const file = path.join(tf, "stacks", STACK, "cdk.tf.json");
  return { ...result, tf, json: fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Json) : undefined, text: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "" };
}

describe("mailgate adopt", () => {
  test("GIVEN exports holding three of exchange-dmz's planned rules made by hand, and broader hand-made rules WHEN adopt THEN adopted.json holds exactly those three, the others are listed and not recorded", () => {
    const out = artifactsCopy();
    const result = adopt(writeExports(handExports), out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const written = JSON.parse(fs.readFileSync(path.join(out, "adopted.json"), "utf8")) as Json;
    expect(written.schemaVersion).toBe(1);
    expect(written.imports).toEqual({ [STACK]: Object.fromEntries([...handMade].sort()) });
    for (const [address, id] of handMade) expect(result.stdout).toContain(`  adopt: ${id} (tcp/443 from `), expect(result.stdout).toContain(`as ${address}\n`);
    expect(result.stdout).toContain(`  not adopted: ${BROADER} (tcp/443 from 141.193.0.0/16) admits more than HubSpot's lists`);
    expect(result.stdout).toContain(`  not adopted: ${RANGE} (tcp/0-65535 from `);
    expect(result.stdout).not.toContain(EGRESS);
    expect(result.stdout).toContain("mail-use1: mailgate creates its security group, so no rule of it exists before the first apply: nothing to adopt");
    expect(result.stdout).toContain("adopted.json: 3 rules in 1 stack recorded for import.");
  });

  test("GIVEN the same exports in another order, twice WHEN adopt THEN adopted.json has the same bytes, without timestamps or paths", () => {
    const files = writeExports(handExports);
    const a = artifactsCopy();
    const b = artifactsCopy();
    expect(adopt(files, a).status).toBe(0);
    expect(adopt([...files].reverse(), b).status).toBe(0);
    const bytes = fs.readFileSync(path.join(a, "adopted.json"), "utf8");
    expect(fs.readFileSync(path.join(b, "adopted.json"), "utf8")).toBe(bytes);
    expect(bytes).not.toMatch(/\d{4}-\d{2}-\d{2}|\/tmp|mailgate-adopt/);
    expect(bytes.endsWith("}\n")).toBe(true);
  });

  test("GIVEN adopt wrote adopted.json WHEN the next synth runs (twice) THEN cdk.tf.json has exactly three import entries, `to` each rule's address and `id` its sgr- id, with the same bytes; check stays fresh", async () => {
    const out = artifactsCopy();
    expect(adopt(writeExports(handExports), out).status).toBe(0);
    const adoptedBytes = fs.readFileSync(path.join(out, "adopted.json"), "utf8");
    const first = synthInto(out);
    expect(first.status, first.stderr).toBe(0);
    const imports = (first.json?.import ?? []) as { to: string; id: string }[];
    expect(imports).toHaveLength(3);
    expect(new Map(imports.map((i) => [i.to, i.id]))).toEqual(handMade);
    for (const i of imports) expect(Object.keys(i).sort()).toEqual(["id", "to"]);
    // Every import names a resource the stack declares: Terraform refuses one that does not.
    for (const i of imports) expect(first.json?.resource.aws_vpc_security_group_ingress_rule[i.to.split(".")[1]]).toBeDefined();
    // The created group's stack has nothing to import.
    const use1 = JSON.parse(fs.readFileSync(path.join(first.tf, "stacks", "mailgate-us-east-1", "cdk.tf.json"), "utf8")) as Json;
    expect(use1.import).toBeUndefined();
    // Synth reads adopted.json and never rewrites it; check does not report it.
    expect(fs.readFileSync(path.join(out, "adopted.json"), "utf8")).toBe(adoptedBytes);
    const check = await cliAsync(["check", "--config", synth.config, "--out", out]);
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);

    const second = synthInto(out);
    expect(second.status).toBe(0);
    expect(second.text).toBe(first.text);
  }, 180_000);

  test("GIVEN no adopted.json WHEN synth THEN no import block (the stacks are as before adoption existed)", () => {
    expect(synth.stacks.every((s) => s.json.import === undefined)).toBe(true);
  });

  test("GIVEN a damaged adopted.json WHEN synth THEN exit 1 ADOPTED_UNREADABLE and nothing is written: the Terraform output and the artifacts keep their bytes", () => {
    const out = artifactsCopy();
    const tf = path.join(tempDir("mailgate-adopt-tf-"), "cdktf.out");
    expect(synthInto(out, tf).status).toBe(0);
    fs.writeFileSync(path.join(out, "adopted.json"), '{"generated": "x", "schemaVersion": 1, "imports": {"mailgate-eu-central-1": {"aws_vpc_security_group_ingress_rule.x": "sgr-');
    const before = { tf: readTree(tf), out: readTree(out) };
    const result = synthInto(out, tf);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("adopted.json:1:1: error ADOPTED_UNREADABLE:");
    expect(result.stderr).toContain("it is not JSON");
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readTree(tf)).toEqual(before.tf);
    expect(readTree(out)).toEqual(before.out);
  }, 180_000);

  test.each([
    ["an id that is no rule id", { [STACK]: { "aws_vpc_security_group_ingress_rule.x": "sg-0123456789abcdef0" } }, "not a rule id like sgr-"],
    ["one rule at two addresses", { [STACK]: { "aws_vpc_security_group_ingress_rule.a": "sgr-0123456789abcdef0", "aws_vpc_security_group_ingress_rule.b": "sgr-0123456789abcdef0" } }, "is recorded for both"],
    ["an address of another resource type", { [STACK]: { "aws_security_group.x": "sgr-0123456789abcdef0" } }, "not the address of an aws_vpc_security_group_ingress_rule"],
  ])("GIVEN adopted.json with %s WHEN synth THEN ADOPTED_UNREADABLE, exit 1", (_what, imports, reason) => {
    const out = artifactsCopy();
    fs.writeFileSync(path.join(out, "adopted.json"), JSON.stringify({ generated: "x", schemaVersion: 1, imports }));
    const result = synthInto(out);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("ADOPTED_UNREADABLE");
    expect(result.stderr).toContain(reason);
  }, 180_000);

  test("GIVEN a damaged adopted.json WHEN validate and check THEN each is exit 1 with ADOPTED_UNREADABLE at the file, as synth would be, and writes nothing", async () => {
    const out = artifactsCopy();
    const fresh = await cliAsync(["check", "--config", synth.config, "--out", out]);
    expect(fresh.status, fresh.stderr).toBe(0);
    fs.writeFileSync(path.join(out, "adopted.json"), '{"generated": "x", "schemaVersion": 1, "imports": {');
    const before = readTree(out);
    const file = path.join(out, "adopted.json").split(path.sep).join("/");
    for (const command of ["validate", "check"]) {
      const result = await cliAsync([command, "--config", synth.config, "--out", out]);
      expect(result.status, command).toBe(1);
      expect(result.stderr, command).toContain(`${file}:1:1: error ADOPTED_UNREADABLE:`);
    }
    const json = await cliAsync(["validate", "--config", synth.config, "--out", out, "--format", "json"]);
    expect(JSON.parse(json.stdout).diagnostics.map((d: { code: string }) => d.code)).toEqual(["ADOPTED_UNREADABLE"]);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN adopted.json with an entry the config no longer plans WHEN validate THEN exit 0 with the ADOPTED_NOT_PLANNED warning synth gives", async () => {
    const out = artifactsCopy();
    const [address, id] = [...handMade][0];
    const gone = "aws_vpc_security_group_ingress_rule.exchange-dmz_tcp443_192-0-2-0-24";
    fs.writeFileSync(path.join(out, "adopted.json"), JSON.stringify({ generated: "x", schemaVersion: 1, imports: { [STACK]: { [address]: id, [gone]: "sgr-0aaaaaaaaaaaaaaaa" } } }));
    const result = await cliAsync(["validate", "--config", synth.config, "--out", out]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`warning ADOPTED_NOT_PLANNED: ${path.join(out, "adopted.json").split(path.sep).join("/")} records sgr-0aaaaaaaaaaaaaaaa for ${gone}`);
    expect(result.stderr).not.toContain(address);
  });

  test("GIVEN adopted.json with an entry the config no longer plans WHEN synth THEN a warning ADOPTED_NOT_PLANNED and no import for it; the planned entries are imported", () => {
    const out = artifactsCopy();
    const [address, id] = [...handMade][0];
    const gone = "aws_vpc_security_group_ingress_rule.exchange-dmz_tcp443_192-0-2-0-24";
    fs.writeFileSync(path.join(out, "adopted.json"), JSON.stringify({ generated: "x", schemaVersion: 1, imports: { [STACK]: { [address]: id, [gone]: "sgr-0aaaaaaaaaaaaaaaa" } } }));
    const result = synthInto(out);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`warning ADOPTED_NOT_PLANNED: ${path.join(out, "adopted.json").split(path.sep).join("/")} records sgr-0aaaaaaaaaaaaaaaa for ${gone}`);
    expect(result.json?.import).toEqual([{ to: address, id }]);
  }, 180_000);

  test("GIVEN a truncated export WHEN adopt THEN exit 2 naming the file, and adopted.json keeps its bytes", () => {
    const out = artifactsCopy();
    const files = writeExports(handExports);
    expect(adopt(files, out).status).toBe(0);
    const before = fs.readFileSync(path.join(out, "adopted.json"), "utf8");
    const rules = files.find((f) => f.endsWith("security-group-rules.json")) as string;
    fs.writeFileSync(rules, fs.readFileSync(rules, "utf8").slice(0, 200));
    const result = adopt(files, out);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("security-group-rules.json is not JSON");
    expect(result.stderr).toContain("Nothing was written.");
    expect(fs.readFileSync(path.join(out, "adopted.json"), "utf8")).toBe(before);
  });

  test("GIVEN exports where every planned rule is mailgate's own (tagged) WHEN adopt THEN exit 0, nothing to adopt, no file written", () => {
    const out = artifactsCopy();
    const result = adopt(writeExports(planned), out);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("already mailgate's:");
    expect(result.stdout).toContain("Nothing to adopt:");
    expect(fs.existsSync(path.join(out, "adopted.json"))).toBe(false);
  });

  test("GIVEN an invalid config WHEN adopt THEN exit 1 with the diagnostics, nothing written; GIVEN no files THEN exit 2", () => {
    const out = artifactsCopy();
    const bad = configDir({ "firewalls.yaml": "firewalls:\n  exchange-dmz:\n    type: aws-security-group\n    region: eu-central-1\n    securityGroupId: nope\n" });
    const { io, output } = capturedIo();
    const status = adoptCommand(["--config", bad, "--out", out, ...writeExports(handExports)], io);
    expect(status).toBe(1);
    expect(output().stderr).toContain("error INVALID_SECURITY_GROUP_ID");
    expect(fs.existsSync(path.join(out, "adopted.json"))).toBe(false);
    expect(adopt([], out).status).toBe(2);
  });
});
