// IMAP or Exchange, never both (lib/config/cross-file.ts), with Exchange met first: the other
// tests have IMAP first, so the message's "other kind" was only ever `imap` (issue 15).
import { afterAll, describe, expect, test } from "vitest";
import { exchangeDomain, imapDomain } from "./builders";
import { load, removeTempDirs, where, yaml } from "./helpers";

afterAll(removeTempDirs);

function problems(files: Record<string, string>): string[] {
  return load(files).diagnostics.map(
    (d) => `${where(d)} ${d.code}: ${d.message} | ${d.hint ?? ""} | related ${(d.related ?? []).map((r) => `${r.file}:${r.line}:${r.column}`).join(" ")}`,
  );
}

describe("IMAP and Exchange settings for one domain, Exchange first", () => {
  test("GIVEN Exchange in a.yaml and IMAP in b.yaml WHEN validated THEN one error at the IMAP settings, naming the Exchange ones", () => {
    expect(problems({ "a.yaml": exchangeDomain({ domain: "example.com" }), "b.yaml": imapDomain() })).toEqual([
      "b.yaml:3:5 IMAP_EXCHANGE_CONFLICT: Domain example.com has IMAP settings here and Exchange settings at a.yaml:3:5; HubSpot allows IMAP or Exchange settings for a domain, not both. " +
        "| keep one: remove the `imap` settings here or the `exchange` settings at a.yaml:3:5 | related a.yaml:3:5",
    ]);
  });

  test("GIVEN one entry with `exchange` written before `imap` WHEN validated THEN one error at `imap`, naming `exchange` above it", () => {
    const entry = yaml(
      "domains:",
      "  - domain: example.com",
      "    exchange:",
      "      url: https://mail.example.com/EWS/Exchange.asmx",
      "    imap:",
      "      incoming: { host: imap.example.com, port: 993 }",
      "      outgoing: { host: smtp.example.com, port: 587 }",
    );
    expect(problems({ "a.yaml": entry })).toEqual([
      "a.yaml:5:5 IMAP_EXCHANGE_CONFLICT: Domain example.com has IMAP settings here and Exchange settings at a.yaml:3:5; HubSpot allows IMAP or Exchange settings for a domain, not both. " +
        "| keep one: remove the `imap` settings here or the `exchange` settings at a.yaml:3:5 | related a.yaml:3:5",
    ]);
  });

  test("GIVEN Exchange, then IMAP, then Exchange again WHEN validated THEN the IMAP entry conflicts with the first and the second Exchange is a duplicate of it", () => {
    const codes = load({
      "a.yaml": exchangeDomain({ domain: "example.com" }),
      "b.yaml": imapDomain(),
      "c.yaml": exchangeDomain({ domain: "example.com", url: "https://other.example.com/EWS/Exchange.asmx" }),
    }).diagnostics.map((d) => `${where(d)} ${d.code} -> ${(d.related ?? []).map((r) => `${r.file}:${r.line}:${r.column}`).join(" ")}`);
    expect(codes).toEqual(["b.yaml:3:5 IMAP_EXCHANGE_CONFLICT -> a.yaml:3:5", "c.yaml:2:13 DUPLICATE_DOMAIN -> a.yaml:2:13"]);
  });
});
