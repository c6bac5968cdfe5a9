import { afterAll, describe, expect, test } from "vitest";
import { exchangeDomain, firewall, imapDomain } from "./builders";
import { load, removeTempDirs } from "./helpers";

afterAll(removeTempDirs);

/** Firewalls `a` to `d`, each its own security group, one file each. */
const FIREWALLS = Object.fromEntries(["a", "b", "c", "d"].map((name, i) => [`fw-${name}.yaml`, firewall({ name, target: [`securityGroupId: sg-0a1b2c3${i}`] })]));

describe("buildConfig: a domain's firewalls and fields", () => {
  test.each([
    ["one", "[c]", ["c"]],
    ["two in order", "[a, c]", ["a", "c"]],
    ["two reversed", "[c, a]", ["a", "c"]],
    ["the same one twice", "[b, b]", ["b"]],
    ["three, one repeated", "[d, a, d]", ["a", "d"]],
    ["four reversed", "[d, c, b, a]", ["a", "b", "c", "d"]],
  ])("%s: %s is sorted and unique", (_, list, expected) => {
    // GIVEN a domain naming firewalls in this order
    const { config } = load({ "domains.yaml": imapDomain({ entryExtra: [`firewalls: ${list}`] }), ...FIREWALLS });
    // THEN it names each once, sorted
    expect(config?.domains.map((d) => d.firewalls)).toEqual([expected]);
  });

  test("every field of both kinds, in the order outputs serialise them", () => {
    // GIVEN an IMAP and an Exchange domain
    const { config } = load({
      "imap.yaml": imapDomain({ domain: "a.example", entryExtra: ["firewalls: [a]"] }),
      "exchange.yaml": exchangeDomain({ domain: "b.example", url: "https://mail.b.example/EWS/Exchange.asmx", entryExtra: ["firewalls: [a]"] }),
      ...FIREWALLS,
    });
    // THEN each keeps its settings' fields, then name and firewalls
    expect(config?.domains.map((d) => Object.keys(d))).toEqual([
      ["kind", "incoming", "outgoing", "allowNonSecureCertificate", "name", "firewalls"],
      ["kind", "url", "endpoint", "name", "firewalls"],
    ]);
    expect(config?.domains).toEqual([
      { kind: "imap", incoming: { host: "imap.example.com", port: 993 }, outgoing: { host: "smtp.example.com", port: 587 }, allowNonSecureCertificate: false, name: "a.example", firewalls: ["a"] },
      { kind: "exchange", url: "https://mail.b.example/EWS/Exchange.asmx", endpoint: { host: "mail.b.example", port: 443 }, name: "b.example", firewalls: ["a"] },
    ]);
  });
});
