// The return-traffic half of the coverage proof (proveReturnTraffic, lib/audit/coverage.ts), on
// its own: every stateless target must let replies out to exactly the addresses it lets in, each
// target judged by its own outbound rules, never by another target's (issue 15: with two ACLs
// opening the same addresses, dropping the per-target filter went unnoticed).
import { describe, expect, test } from "vitest";
import { assertCoverage, CoverageError, describeReturnCoverage, proveReturnTraffic } from "../../../lib/audit/coverage";
import { requiredAccess, statelessTargets } from "../../../lib/audit/required";
import { Cidr } from "../../../lib/model/cidr";
import { catalogFor } from "../../../lib/model/ip-catalog";
import { buildPolicy } from "../../../lib/policy/firewall-policy";
import { config, createdGroup, exchangeDomain, imapDomain, networkAcl } from "../../support/configs";

const EPHEMERAL = { from: 1024, to: 65535 };

// Two ACLs in front of the same kind of servers (HubSpot's published lists), and a security
// group, which is stateful and needs no return rules.
const cfg = config(
  [imapDomain("a.example", ["acl-a"]), exchangeDomain("b.example", ["acl-b"]), imapDomain("c.example", ["sg"])],
  [networkAcl("acl-a"), networkAcl("acl-b", { networkAclId: "acl-0b1b2c3d4e5f67890" }), createdGroup("sg")],
);
const required = requiredAccess(cfg, catalogFor(cfg.ipRanges));
const stateless = statelessTargets(cfg);
/** The outbound rules the policy gives each ACL, as the proof reads them. */
const returns = buildPolicy(cfg).targets.flatMap((p) => (p.type === "aws-network-acl" ? p.outbound.map((r) => ({ target: p.target.name, cidr: r.content.returnTo })) : []));

const prove = (opened: readonly { target: string; cidr: Cidr }[]) => proveReturnTraffic(opened, required, stateless, EPHEMERAL);

describe("return-traffic proof", () => {
  test("GIVEN the policy's outbound rules WHEN proven THEN each ACL is exact and minimal, the security group has no entry", () => {
    expect([...stateless]).toEqual(["acl-a", "acl-b"]);
    const proof = prove(returns);
    expect(proof.map((p) => `${p.target}: ${describeReturnCoverage(p)}`)).toEqual([
      "acl-a: return traffic tcp/1024-65535: 272 addresses required, 272 opened, exact (6 rules, minimal)",
      "acl-b: return traffic tcp/1024-65535: 272 addresses required, 272 opened, exact (6 rules, minimal)",
    ]);
    expect(() => assertCoverage([], proof)).not.toThrow();
  });

  test("GIVEN one ACL missing an outbound rule that the other ACL has WHEN proven THEN that ACL fails: the other's rules do not count for it", () => {
    const missing = returns.find((r) => r.target === "acl-a" && r.cidr.toString() === "143.244.82.8/29");
    expect(missing).toBeDefined();
    // acl-b still opens exactly these addresses.
    expect(returns.some((r) => r.target === "acl-b" && r.cidr.equals(missing!.cidr))).toBe(true);
    const proof = prove(returns.filter((r) => r !== missing));
    expect(proof.map((p) => [p.target, p.exact, p.missing.ranges, p.extra.ranges, p.rules])).toEqual([
      ["acl-a", false, ["143.244.82.8-143.244.82.15"], [], 5],
      ["acl-b", true, [], [], 6],
    ]);
    let error: unknown;
    try {
      assertCoverage([], proof);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CoverageError);
    expect((error as CoverageError).returnFailures.map((f) => f.target)).toEqual(["acl-a"]);
    expect((error as Error).message).toBe(
      "the generated return-traffic rules for target acl-a reach 264 addresses but the target lets in 272: missing 143.244.82.8-143.244.82.15 (8 addresses), extra none",
    );
  });

  test("GIVEN an ACL with no outbound rules at all WHEN proven THEN it still has an entry, with everything missing", () => {
    const proof = prove(returns.filter((r) => r.target !== "acl-a"));
    expect(proof.map((p) => [p.target, p.exact, p.opened.addresses, p.missing.addresses, p.rules])).toEqual([
      ["acl-a", false, "0", "272", 0],
      ["acl-b", true, "272", "0", 6],
    ]);
  });

  test("GIVEN return rules on a stateful target WHEN proven THEN they are extra: nothing requires them", () => {
    const proof = prove([...returns, { target: "sg", cidr: Cidr.of("141.193.184.0/27") }]);
    const sg = proof.find((p) => p.target === "sg");
    expect(sg && [sg.exact, sg.required.addresses, sg.extra.ranges]).toEqual([false, "0", ["141.193.184.0-141.193.184.31"]]);
    expect(proof.map((p) => p.target)).toEqual(["acl-a", "acl-b", "sg"]);
  });

  test("GIVEN one ACL's rules widened by what another target needs WHEN proven THEN the extra addresses are its own failure", () => {
    const widened = returns.map((r) => (r.target === "acl-b" && r.cidr.toString() === "143.244.87.0/25" ? { ...r, cidr: Cidr.of("143.244.87.0/24") } : r));
    const proof = prove(widened);
    expect(proof.map((p) => [p.target, p.exact, p.extra.ranges])).toEqual([
      ["acl-a", true, []],
      ["acl-b", false, ["143.244.87.128-143.244.87.255"]],
    ]);
    expect(describeReturnCoverage(proof[1])).toBe("return traffic tcp/1024-65535: 272 addresses required, 400 opened, NOT EXACT (missing 0, extra 128)");
  });

  test("GIVEN an ACL no domain uses WHEN proven THEN an exact entry of nothing, not a crash", () => {
    const proof = proveReturnTraffic(returns, required, new Set(["acl-a", "acl-b", "acl-unused"]), EPHEMERAL);
    const unused = proof.find((p) => p.target === "acl-unused");
    expect(unused && [unused.exact, unused.required.addresses, unused.opened.addresses, unused.rules]).toEqual([true, "0", "0", 0]);
  });

  test("GIVEN targets met in any order WHEN proven THEN entries are sorted by target name", () => {
    const opened = [{ target: "zz", cidr: Cidr.of("141.193.184.0/27") }, ...returns.filter((r) => r.target === "acl-b"), { target: "aa", cidr: Cidr.of("141.193.184.0/27") }];
    expect(proveReturnTraffic(opened, required, new Set(["acl-b", "acl-a"]), EPHEMERAL).map((p) => p.target)).toEqual(["aa", "acl-a", "acl-b", "zz"]);
  });

  test("GIVEN the ports given WHEN proven THEN each entry carries them", () => {
    const [entry] = proveReturnTraffic(returns, required, new Set(["acl-a"]), { from: 32768, to: 60999 });
    expect([entry.target, entry.protocol, entry.fromPort, entry.toPort]).toEqual(["acl-a", "tcp", 32768, 60999]);
  });
});
