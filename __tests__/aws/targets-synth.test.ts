import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { App } from "cdktf";
import { addStacks } from "../../lib/aws/stacks";
import { Cidr } from "../../lib/model/cidr";
import type { Config, CustomIpRanges, DomainSettings, FirewallTarget } from "../../lib/model/config";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { checkLimits } from "../../lib/policy/quota";
import { readWrittenStacks } from "../../lib/verify/terraform-json";
import { expectationOf, verifyTerraform } from "../../lib/verify/verify-terraform";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain, networkAcl, networkFirewall } from "../support/configs";
import { tempDir } from "../support/run";
import { admittedSpans, asText, oracle, readTerraform, returnMismatches, type TfJson } from "../support/tf-reader";

/** Synthesizes every stack to disk, as main.ts does, and reads the written JSON back. */
function synthAndRead(cfg: Config) {
  const outdir = tempDir("mailgate-targets-synth-");
  const app = new App({ outdir });
  addStacks(app, buildPolicy(cfg));
  app.synth();
  const written = readWrittenStacks(outdir);
  // The verifier main.ts runs must pass every config the oracle agrees with.
  verifyTerraform(written, expectationOf(cfg));
  const json: Record<string, TfJson> = Object.fromEntries(written.map((s) => [s.name, s.json as TfJson]));
  return { json, read: readTerraform(json, cfg) };
}

function expectExact(cfg: Config) {
  const { json, read } = synthAndRead(cfg);
  expect(read.problems).toEqual([]);
  expect(asText(admittedSpans(read))).toEqual(asText(oracle(cfg)));
  expect(returnMismatches(read, cfg)).toEqual([]);
  return { json, read };
}

/** `n` public /32s two apart, so no two aggregate: exactly `n` rules per port. */
function spacedAddresses(n: number, base = "44.10.0.0"): Cidr[] {
  const first = Cidr.of(`${base}/32`).first;
  return Array.from({ length: n }, (_, i) => Cidr.fromRange(4, first + BigInt(2 * i), 32));
}

function customLists(smtp: Cidr[], imap: Cidr[] = smtp): CustomIpRanges {
  return { source: "test lists", smtp, imap };
}

describe("each target type admits exactly the needed (source, port) pairs, read back from cdk.tf.json", () => {
  test("GIVEN one domain on a target of every type WHEN synthesized THEN an independent reader finds exactly HubSpot's ranges", () => {
    const cfg = config(
      [imapDomain("example.com", ["sg", "pl", "acl", "nfw"]), exchangeDomain("corp.example.org", ["sg", "pl", "nfw"])],
      [
        createdGroup("sg"),
        createdGroup("pl", "us-east-1", "hubspot-pl", { sources: "prefix-lists" }),
        networkAcl("acl"),
        networkFirewall("nfw", { destinations: ["10.0.1.25/32", "10.0.2.0/28"] }),
      ],
    );
    const { json, read } = expectExact(cfg);
    const east = json["mailgate-us-east-1"];
    // sg: 6 rules x 3 ports; pl: 1 rule x 3 ports; acl: 12 inbound + 6 return; nfw: 18 x 2 destinations.
    expect(Object.fromEntries(read.ruleCount)).toEqual({ sg: 18, pl: 3, acl: 18, nfw: 36 });
    expect(Object.keys(east.resource?.aws_ec2_managed_prefix_list ?? {}).sort()).toEqual(["hubspot_imap-smtp_ipv4", "hubspot_imap_ipv4", "hubspot_smtp_ipv4"]);
    expect(Object.values(east.resource?.aws_ec2_managed_prefix_list ?? {}).map((pl) => pl.max_entries)).toEqual([10, 10, 10]);
  });

  test("GIVEN a created group whose rules exceed its quota WHEN synthesized THEN it is split, every group within quota, all exported, together exact", () => {
    const ports = [25, 143, 465, 587, 993, 2525, 8443, 9993, 10025, 11993, 12465];
    const domains = ports.map((port, i) => imapDomain(`d${i}.example`, ["mail"], { imap: port, smtp: port }));
    const cfg = config(domains, [createdGroup("mail")]);
    const { json, read } = expectExact(cfg);
    // 11 ports x 6 blocks (IMAP and SMTP on one port: their union, 6 blocks) = 66 rules > 60.
    expect([...(read.groups.get("mail")?.values() ?? [])].map((w) => w[4])).toEqual([60, 6]);
    const east = json["mailgate-us-east-1"];
    expect(Object.values(east.resource?.aws_security_group ?? {}).map((g) => g.name)).toEqual(["hubspot-mail", "hubspot-mail-2"]);
    expect(Object.keys(east.output ?? {}).filter((o) => o.startsWith("mail_"))).toEqual([
      "mail_security_group_id",
      "mail_security_group_id_2",
      "mail_security_group_ids",
    ]);
  });

  test("GIVEN a group that starts needing a second group WHEN synthesized THEN group 1 keeps every attribute AWS cannot change in place", () => {
    const group = (n: number) => {
      const cfg = config([imapDomain("example.com", ["mail"], { imap: 993, smtp: 993 })], [createdGroup("mail")], customLists(spacedAddresses(n)));
      return synthAndRead(cfg).json["mailgate-us-east-1"].resource?.aws_security_group ?? {};
    };
    const [one, two] = [group(60), group(61)];
    expect(Object.keys(two)).toEqual(["mail_group", "mail_group_2"]);
    expect(two.mail_group).toEqual(one.mail_group);
  });

  test.each([
    [60, 1],
    [61, 2],
    [120, 2],
    [121, 3],
  ])("GIVEN %i CIDR rules on one port of a created group WHEN synthesized THEN %i group(s), together exact", (rules, groups) => {
    const cfg = config([imapDomain("example.com", ["mail"], { imap: 993, smtp: 993 })], [createdGroup("mail")], customLists(spacedAddresses(rules)));
    const { read } = expectExact(cfg);
    expect(read.groups.get("mail")?.size).toBe(groups);
  });

  test("GIVEN IPv4 and IPv6 lists on prefix-list sources WHEN synthesized THEN one list per family, each referenced by its own rule", () => {
    const lists = customLists([Cidr.of("44.10.0.0/24"), Cidr.of("2600:1f18:1::/48")], [Cidr.of("44.11.0.0/24"), Cidr.of("2600:1f18:2::/48")]);
    const cfg = config([exchangeDomain("corp.example.org", ["pl"])], [existingGroup("pl", "eu-central-1", "sg-0a1b2c3d4e5f67890", { sources: "prefix-lists" })], lists);
    const { json } = expectExact(cfg);
    const stack = json["mailgate-eu-central-1"];
    expect(
      Object.entries(stack.resource?.aws_ec2_managed_prefix_list ?? {}).map(([name, pl]) => [name, pl.address_family, (pl.entry as { cidr: string }[]).map((e) => e.cidr)]),
    ).toEqual([
      ["hubspot_imap-smtp_ipv4", "IPv4", ["44.10.0.0/24", "44.11.0.0/24"]],
      ["hubspot_imap-smtp_ipv6", "IPv6", ["2600:1f18:1::/48", "2600:1f18:2::/48"]],
    ]);
    expect(Object.values(stack.resource?.aws_vpc_security_group_ingress_rule ?? {}).map((r) => r.prefix_list_id)).toEqual([
      "${aws_ec2_managed_prefix_list.hubspot_imap-smtp_ipv4.id}",
      "${aws_ec2_managed_prefix_list.hubspot_imap-smtp_ipv6.id}",
    ]);
  });

  test("GIVEN a network ACL WHEN synthesized THEN inbound rules per (CIDR, port), return rules to every source, numbers in range and unique per direction", () => {
    const cfg = config([imapDomain("example.com", ["acl"], { imap: 993, smtp: 465 })], [networkAcl("acl", { from: 1000, to: 1019 })]);
    const { json } = expectExact(cfg);
    const rules = Object.values(json["mailgate-us-east-1"].resource?.aws_network_acl_rule ?? {});
    const inbound = rules.filter((r) => r.egress === false).map((r) => r.rule_number as number);
    const outbound = rules.filter((r) => r.egress === true).map((r) => r.rule_number as number);
    expect([inbound.length, outbound.length]).toEqual([12, 6]);
    for (const numbers of [inbound, outbound]) {
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers.every((n) => n >= 1000 && n <= 1019)).toBe(true);
    }
  });

  test("GIVEN a Network Firewall with an IPv4 and an IPv6 destination WHEN synthesized THEN each destination gets the sources of its own family", () => {
    const lists = customLists([Cidr.of("44.10.0.0/24"), Cidr.of("2600:1f18:1::/48")]);
    const cfg = config([imapDomain("example.com", ["nfw"])], [networkFirewall("nfw", { destinations: ["10.0.1.25/32", "2600:1f18:ff::25/128"] })], lists);
    const { read } = expectExact(cfg);
    expect(read.admitted.map((a) => `${a.destination} ${a.port} ${a.cidr}`).sort()).toEqual([
      "10.0.1.25/32 587 44.10.0.0/24",
      "10.0.1.25/32 993 44.10.0.0/24",
      "2600:1f18:ff::25/128 587 2600:1f18:1::/48",
      "2600:1f18:ff::25/128 993 2600:1f18:1::/48",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Configs nobody wrote by hand: every target type, random ports, lists and quotas.

const PORTS = [25, 143, 443, 465, 587, 993, 2525, 8443];
const REGIONS = ["us-east-1", "eu-west-1"];

const targetArb = (name: string): fc.Arbitrary<FirewallTarget> =>
  fc.oneof(
    fc
      .record({ region: fc.constantFrom(...REGIONS), sources: fc.constantFrom("cidrs" as const, "prefix-lists" as const), maxRules: fc.constantFrom(10, 20, 60) })
      .map(({ region, sources, maxRules }) => createdGroup(name, region, `hubspot-${name}`, { sources, maxRules })),
    fc
      .record({ region: fc.constantFrom(...REGIONS), sources: fc.constantFrom("cidrs" as const, "prefix-lists" as const) })
      .map(({ region, sources }) => existingGroup(name, region, `sg-0${name.charCodeAt(0).toString(16)}1b2c3d4e5f6789`, { sources, maxRules: 1000 })),
    fc
      .record({ region: fc.constantFrom(...REGIONS), from: fc.integer({ min: 1, max: 30000 }), size: fc.integer({ min: 60, max: 400 }) })
      .map(({ region, from, size }) => networkAcl(name, { region, from, to: Math.min(32766, from + size), maxRules: 40, networkAclId: `acl-${name.padEnd(8, "0").slice(0, 8).replace(/[^0-9a-f]/g, "a")}` })),
    fc
      .record({ region: fc.constantFrom(...REGIONS), destinations: fc.subarray(["10.0.1.25/32", "10.0.2.0/28", "2600:1f18:ff::25/128"], { minLength: 1 }) })
      .map(({ region, destinations }) => networkFirewall(name, { region, destinations })),
  );

const domainArb = (name: string, targets: string[]): fc.Arbitrary<DomainSettings> =>
  fc
    .record({ kind: fc.boolean(), imap: fc.constantFrom(...PORTS), smtp: fc.constantFrom(...PORTS), firewalls: fc.subarray(targets, { minLength: 1 }) })
    .map(({ kind, imap, smtp, firewalls }) =>
      kind ? imapDomain(name, [...firewalls].sort(), { imap, smtp }) : exchangeDomain(name, [...firewalls].sort(), imap),
    );

const listsArb: fc.Arbitrary<CustomIpRanges | undefined> = fc.option(
  fc
    .record({
      smtp: fc.array(fc.constantFrom("44.10.0.0/24", "44.10.1.0/24", "44.10.2.7/32", "2600:1f18:1::/48", "2600:1f18:2::/64"), { minLength: 1, maxLength: 4 }),
      imap: fc.array(fc.constantFrom("44.10.1.0/25", "44.10.3.0/24", "44.10.2.6/32", "2600:1f18:1::/48", "2600:1f18:3::/48"), { minLength: 1, maxLength: 4 }),
    })
    .map(({ smtp, imap }) => customLists([...new Set(smtp)].map(Cidr.of), [...new Set(imap)].map(Cidr.of))),
  { nil: undefined },
);

const configArb: fc.Arbitrary<Config> = fc
  .tuple(fc.uniqueArray(fc.constantFrom("a", "b", "c", "d"), { minLength: 1, maxLength: 3 }), listsArb)
  .chain(([names, lists]) =>
    fc
      .tuple(fc.tuple(...names.map(targetArb)), fc.tuple(...["x.example", "y.example", "z.example"].map((d) => domainArb(d, names))))
      .map(([targets, domains]) => config(domains, targets, lists)),
  );

describe("property: on configs nobody wrote by hand", () => {
  test("every synthesized target admits exactly the oracle's pairs, within every quota, with return traffic for ACLs", () => {
    fc.assert(
      fc.property(configArb, (cfg) => {
        fc.pre(checkLimits(buildPolicy(cfg)).length === 0);
        expectExact(cfg);
      }),
      { numRuns: 30 },
    );
  });
});
