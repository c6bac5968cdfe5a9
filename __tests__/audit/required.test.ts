import { describe, expect, test } from "vitest";
import { formatRange } from "../../lib/audit/intervals";
import { requiredAccess } from "../../lib/audit/required";
import { Cidr } from "../../lib/model/cidr";
import { catalogFor } from "../../lib/model/ip-catalog";
import { config, createdGroup, exchangeDomain, existingGroup, imapDomain } from "../support/configs";

const ipRanges = { source: "test", smtp: [Cidr.of("198.51.100.0/25")], imap: [Cidr.of("198.51.100.128/25"), Cidr.of("203.0.113.7/32")] };

function view(cfg: ReturnType<typeof config>) {
  const required = requiredAccess(cfg, catalogFor(cfg.ipRanges));
  return Object.fromEntries(
    [...required].map(([target, ports]) => [target, Object.fromEntries([...ports].map(([port, ranges]) => [port, ranges.map(formatRange)]))]),
  );
}

describe("required access (re-derived from config and catalog)", () => {
  test("GIVEN an IMAP domain WHEN derived THEN the IMAP list reaches the IMAP port and the SMTP list the SMTP port", () => {
    expect(view(config([imapDomain("example.com", ["a"], { imap: 143, smtp: 465 })], [createdGroup("a")], ipRanges))).toEqual({
      a: { 143: ["198.51.100.128-198.51.100.255", "203.0.113.7"], 465: ["198.51.100.0-198.51.100.127"] },
    });
  });

  test("GIVEN an Exchange domain WHEN derived THEN both lists reach the URL's port, merged into one range where they touch", () => {
    expect(view(config([exchangeDomain("corp.example.org", ["x"], 8443)], [existingGroup("x")], ipRanges))).toEqual({
      x: { 8443: ["198.51.100.0-198.51.100.255", "203.0.113.7"] },
    });
  });

  test("GIVEN IMAP and SMTP on the same port WHEN derived THEN the port needs the union", () => {
    expect(view(config([imapDomain("example.com", ["a"], { imap: 993, smtp: 993 })], [createdGroup("a")], ipRanges)).a).toEqual({
      993: ["198.51.100.0-198.51.100.255", "203.0.113.7"],
    });
  });

  test("GIVEN a domain without firewalls WHEN derived THEN it requires nothing anywhere", () => {
    expect(view(config([imapDomain("example.com", [])], [createdGroup("a")]))).toEqual({});
  });

  test("GIVEN the shipped catalog WHEN one IMAP domain is derived THEN each port needs HubSpot's 264 addresses", () => {
    const required = requiredAccess(config([imapDomain("example.com", ["a"])], [createdGroup("a")]), catalogFor(undefined));
    const counts = [...required.get("a")!].map(([port, ranges]) => [port, ranges.reduce((n, r) => n + r.last - r.first + 1n, 0n)]);
    expect(counts).toEqual([
      [993, 264n],
      [587, 264n],
    ]);
  });
});
