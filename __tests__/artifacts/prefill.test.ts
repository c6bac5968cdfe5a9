import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { prefillSettings, renderPrefillJson, renderPrefillMarkdown } from "../../lib/artifacts/prefill";
import { writeArtifactsAtomically } from "../../lib/io/write-atomic";
import { Cidr } from "../../lib/model/cidr";
import { catalogFor, publishedCatalog } from "../../lib/model/ip-catalog";
import { config, createdGroup, exchangeDomain, imapDomain } from "../support/configs";

describe("prefill settings", () => {
  const cfg = config(
    [imapDomain("example.com", ["a"]), exchangeDomain("corp.example.org", [], 8443), imapDomain("b.example.com", [], { smtp: 465 })],
    [createdGroup("a")],
  );

  test("GIVEN IMAP and Exchange domains WHEN rendered THEN the JSON has DESIGN.md's shape, sorted by domain", () => {
    const json = JSON.parse(renderPrefillJson(prefillSettings(cfg, publishedCatalog())));
    expect(json).toEqual({
      schemaVersion: 1,
      ipRanges: { source: publishedCatalog().source, published: "2024-04-04" },
      domains: [
        {
          domain: "b.example.com",
          kind: "imap",
          incoming: { host: "imap.b.example.com", port: 993 },
          outgoing: { host: "smtp.b.example.com", port: 465 },
          allowNonSecureCertificate: false,
        },
        { domain: "corp.example.org", kind: "exchange", exchangeUrl: "https://mail.corp.example.org:8443/EWS/Exchange.asmx" },
        {
          domain: "example.com",
          kind: "imap",
          incoming: { host: "imap.example.com", port: 993 },
          outgoing: { host: "smtp.example.com", port: 587 },
          allowNonSecureCertificate: false,
        },
      ],
    });
  });

  test("a custom IP list names its source and has no published date", () => {
    const custom = catalogFor({ source: "HubSpot 'View connection IPs', account 1234", smtp: [Cidr.of("198.51.99.0/24")], imap: [Cidr.of("198.51.99.0/24")] });
    expect(prefillSettings(cfg, custom).ipRanges).toEqual({ source: "HubSpot 'View connection IPs', account 1234" });
  });

  test("the Markdown walks the admin to the screen, then lists every value per domain", () => {
    const md = renderPrefillMarkdown(prefillSettings(cfg, publishedCatalog()));
    expect(md).toContain("**Objects > Activities**");
    expect(md).toContain("**Email Logging**");
    expect(md).toContain("**Email Log & Track**");
    // The admin is the one who sees HubSpot's own list of connection IPs: compare it with the catalog.
    expect(md).toContain("## After saving: compare HubSpot's connection IPs");
    expect(md).toMatch(/\*\*View connection IPs\*\*[\s\S]*tell\s+your IT team/);
    expect(md).toContain("**Exchange & IMAP Settings**");
    expect(md).toContain("## IMAP settings (2)");
    expect(md).toContain("## Exchange settings (1)");
    expect(md).toContain("| Outgoing Mail (SMTP) port | `465` |");
    expect(md).toContain("| Exchange URL | `https://mail.corp.example.org:8443/EWS/Exchange.asmx` |");
    expect(md.indexOf("### b.example.com")).toBeLessThan(md.indexOf("### example.com"));
    expect(md.endsWith("\n")).toBe(true);
  });
});

describe("atomic artifact writes", () => {
  function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-out-"));
  }

  test("GIVEN earlier outputs WHEN a later write fails midway THEN every earlier file is byte-identical and no temp file remains", () => {
    const dir = tempDir();
    writeArtifactsAtomically(dir, new Map([["a.json", "old a\n"], ["b.md", "old b\n"]]));
    // A regular file where the third artifact needs a directory: its write fails after the
    // first two new files were staged.
    fs.writeFileSync(path.join(dir, "c"), "in the way\n");
    const next = new Map([["a.json", "new a\n"], ["b.md", "new b\n"], ["c/report.md", "new c\n"]]);
    expect(() => writeArtifactsAtomically(dir, next)).toThrow(/ENOTDIR|EEXIST/);
    expect(fs.readFileSync(path.join(dir, "a.json"), "utf8")).toBe("old a\n");
    expect(fs.readFileSync(path.join(dir, "b.md"), "utf8")).toBe("old b\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["a.json", "b.md", "c"]);
  });

  test("GIVEN no output directory WHEN written THEN it is created with exactly the artifacts", () => {
    const dir = path.join(tempDir(), "nested", "generated");
    writeArtifactsAtomically(dir, new Map([["x.json", "{}\n"]]));
    expect(fs.readdirSync(dir)).toEqual(["x.json"]);
    expect(fs.readFileSync(path.join(dir, "x.json"), "utf8")).toBe("{}\n");
  });
});
