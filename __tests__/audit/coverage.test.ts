import { describe, expect, test } from "vitest";
import { assertCoverage, CoverageError, describeCoverage, proveCoverage, type OpenedRule } from "../../lib/audit/coverage";
import { requiredAccess } from "../../lib/audit/required";
import { Cidr } from "../../lib/model/cidr";
import { catalogFor } from "../../lib/model/ip-catalog";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain } from "../support/configs";

const cfg = config([imapDomain("example.com", ["mail"]), exchangeDomain("corp.example.org", ["dmz"])], [createdGroup("mail"), existingGroup("dmz")]);
const required = requiredAccess(cfg, catalogFor(cfg.ipRanges));
const policyRules: OpenedRule[] = buildPolicy(cfg).targets.flatMap(({ target, rules }) =>
  rules.map((r) => ({ target: target.name, port: r.port, cidr: r.cidr })),
);

function failureOf(opened: OpenedRule[]): CoverageError {
  try {
    assertCoverage(proveCoverage(opened, required));
  } catch (error) {
    if (error instanceof CoverageError) return error;
    throw error;
  }
  throw new Error("expected a CoverageError");
}

describe("coverage proof", () => {
  test("GIVEN the policy's rules WHEN proven THEN every port is exact and minimal, with the published figures", () => {
    const proof = proveCoverage(policyRules, required);
    expect(proof.map(describeCoverage)).toEqual([
      "tcp/443: 272 addresses required, 272 opened, exact (6 rules, minimal)",
      "tcp/587: 264 addresses required, 264 opened, exact (6 rules, minimal)",
      "tcp/993: 264 addresses required, 264 opened, exact (6 rules, minimal)",
    ]);
    expect(proof.map((p) => `${p.target}/${p.port}`)).toEqual(["dmz/443", "mail/587", "mail/993"]);
    expect(() => assertCoverage(proof)).not.toThrow();
  });

  test("GIVEN one rule dropped WHEN proven THEN a CoverageError names target, port, figures and the missing range", () => {
    const dropped = policyRules.filter((r) => !(r.target === "mail" && r.port === 993 && r.cidr.toString() === "143.244.82.8/30"));
    const error = failureOf(dropped);
    expect(error.message).toMatchInlineSnapshot(
      `"the generated rules for target mail port 993 open 260 addresses but HubSpot's lists require 264: missing 143.244.82.8-143.244.82.11 (4 addresses), extra none"`,
    );
    expect(error.failures.map((f) => [f.target, f.port, f.missing.addresses, f.extra.addresses])).toEqual([["mail", 993, "4", "0"]]);
  });

  test("GIVEN one rule widened WHEN proven THEN the extra addresses are named", () => {
    const widened = policyRules.map((r) =>
      r.target === "dmz" && r.cidr.toString() === "143.244.87.0/25" ? { ...r, cidr: Cidr.of("143.244.87.0/24") } : r,
    );
    expect(failureOf(widened).message).toContain(
      "target dmz port 443 open 400 addresses but HubSpot's lists require 272: missing none, extra 143.244.87.128-143.244.87.255 (128 addresses)",
    );
  });

  test("GIVEN a rule on a port nothing needs, and a target nothing needs WHEN proven THEN both fail with 0 required", () => {
    const error = failureOf([
      ...policyRules,
      { target: "mail", port: 25, cidr: Cidr.of("141.193.184.0/27") },
      { target: "ghost", port: 993, cidr: Cidr.of("141.193.184.0/27") },
    ]);
    expect(error.failures.map((f) => `${f.target}/${f.port}: ${f.opened.addresses} vs ${f.required.addresses}`)).toEqual([
      "ghost/993: 32 vs 0",
      "mail/25: 32 vs 0",
    ]);
  });

  test("GIVEN duplicated or split rules WHEN proven THEN exact but not minimal", () => {
    const split = [
      ...policyRules.filter((r) => !(r.target === "mail" && r.port === 587 && r.cidr.toString() === "143.244.87.0/25")),
      { target: "mail", port: 587, cidr: Cidr.of("143.244.87.0/26") },
      { target: "mail", port: 587, cidr: Cidr.of("143.244.87.64/26") },
    ];
    const entry = proveCoverage(split, required).find((p) => p.port === 587)!;
    expect(describeCoverage(entry)).toBe("tcp/587: 264 addresses required, 264 opened, exact (7 rules, not minimal: 6 would do)");
    const duplicated = [...policyRules, policyRules[0]];
    const first = proveCoverage(duplicated, required).find((p) => p.target === policyRules[0].target && p.port === policyRules[0].port)!;
    expect([first.exact, first.overlapping]).toEqual([true, true]);
  });

  test("GIVEN IPv6 lists WHEN proven THEN counts beyond 2^53 stay exact as decimal strings", () => {
    const v6 = config([exchangeDomain("corp.example.org", ["x"])], [existingGroup("x")], {
      source: "test",
      smtp: [Cidr.of("2600:1f18::/32")],
      imap: [Cidr.of("2600:1f19::/32")],
    });
    const proof = proveCoverage(
      [{ target: "x", port: 443, cidr: Cidr.of("2600:1f18::/31") }],
      requiredAccess(v6, catalogFor(v6.ipRanges)),
    );
    expect(proof[0].required.addresses).toBe((1n << 97n).toString());
    expect(describeCoverage(proof[0])).toMatch(/exact \(1 rule, minimal\)$/);
  });
});
