import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { publishedCatalog } from "../../lib/model/ip-catalog";
import { MAX_RESPONSE_BYTES } from "../../lib/ranges/published";
import { DECISION_LINE } from "../../lib/ranges/render";
import { readTree, runTs, tempDir, writeTree } from "../support/run";
import { customConfig, fixture, FIXTURES, json, manyRanges, ranges, shippedConfig } from "./helpers";

const CANDIDATES = "candidates for a person to judge";
const hasMkfifo = process.platform !== "win32" && spawnSync("sh", ["-c", "command -v mkfifo"]).status === 0;

describe("mailgate ranges check: the shipped catalog", () => {
  test("GIVEN the seed article's blocks published as EMAIL/API EGRESS and an INGRESS range WHEN checked THEN exit 0, nothing stale or missing, the INGRESS range ignored", () => {
    const result = ranges(["--config", shippedConfig(), fixture("covered.json")]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Response: 7 ranges: 6 EGRESS, 1 INGRESS (ignored)");
    expect(result.stdout).toContain("- imap (12 entries): nothing stale\n- smtp (12 entries): nothing stale\n");
    expect(result.stdout).toContain("- none: the lists cover all 6 checked ranges\n");
    // 104.16.0.0/16 is INGRESS (HubSpot's own endpoints): never a candidate for the lists.
    expect(result.stdout).not.toContain("104.16.0.0/16");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe(DECISION_LINE);
  });

  test("GIVEN HubSpot dropped part of a block and some single addresses WHEN checked THEN exit 1 and each list names exactly the dropped addresses", () => {
    // 143.244.87.0/25 shrank to /26; 54.174.62.192/29 shrank to /30 (the SMTP list's four
    // addresses, not the IMAP list's). An INGRESS 143.244.87.64/26 must not count as published.
    const { status, document } = json(["--config", shippedConfig(), fixture("dropped-part.json")]);
    expect(status).toBe(1);
    expect(document.lists.smtp.stale).toEqual([{ entry: "143.244.87.0/25", stale: ["143.244.87.64/26"], whole: false }]);
    expect(document.lists.imap.stale).toEqual([
      { entry: "54.174.62.196/32", stale: ["54.174.62.196/32"], whole: true },
      { entry: "54.174.62.197/32", stale: ["54.174.62.197/32"], whole: true },
      { entry: "54.174.62.198/32", stale: ["54.174.62.198/32"], whole: true },
      { entry: "54.174.62.199/32", stale: ["54.174.62.199/32"], whole: true },
      { entry: "143.244.87.0/25", stale: ["143.244.87.64/26"], whole: false },
    ]);
    expect(document.missing).toEqual([]);
    expect(document.upToDate).toBe(false);
  });

  test("GIVEN a dropped part WHEN checked as text THEN the list names the part, the block it belongs to and how much of it", () => {
    const result = ranges(["--config", shippedConfig(), fixture("dropped-part.json")]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("- smtp (12 entries): 1 entry stale\n  - 143.244.87.0/25: 143.244.87.64/26 (64 of 128 addresses)\n");
    expect(result.stdout).toContain("- imap (12 entries): 5 entries stale\n  - 54.174.62.196/32: all of it\n");
    expect(result.stdout).toContain("Summary: 6 stale entries (imap 5, smtp 1), 0 missing ranges");
  });

  test("GIVEN a published EMAIL EGRESS range no list covers WHEN checked THEN exit 1 naming its block, service and description as a candidate", () => {
    const result = ranges(["--config", shippedConfig(), fixture("new-range.json")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain('- 3.93.157.0/26 EMAIL "Connected inbox sync (new data center)": all of it\n');
    expect(result.stdout).toContain(CANDIDATES);
    expect(result.stdout).toContain("does not add them to the IMAP or SMTP list");
    expect(result.stdout).toContain("- imap (12 entries): nothing stale");
    expect(json(["--config", shippedConfig(), fixture("new-range.json")]).document.missing).toEqual([
      { cidr: "3.93.157.0/26", service: "EMAIL", description: "Connected inbox sync (new data center)", uncovered: ["3.93.157.0/26"], whole: true },
    ]);
  });

  test("GIVEN DNS and WEB_SCRAPING EGRESS ranges WHEN checked with the default services THEN they are not missing, the report says so, and they still cover catalog addresses", () => {
    // The catalog's 141.193.184.0/27 is published only inside WEB_SCRAPING's 141.193.184.0/24.
    const result = ranges(["--config", shippedConfig(), fixture("other-services.json")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("EGRESS ranges of DNS, WEB_SCRAPING were not checked for missing (add them with --services)");
    expect(result.stdout).toContain("- imap (12 entries): nothing stale");
    expect(result.stdout).not.toContain("18.206.4.0/28");
  });

  test("GIVEN a DNS EGRESS range WHEN --services includes DNS THEN it is missing, under its service", () => {
    const { status, document } = json(["--config", shippedConfig(), "--services", "EMAIL,API,DNS", fixture("other-services.json")]);
    expect(status).toBe(1);
    expect(document.services).toEqual(["API", "DNS", "EMAIL"]);
    expect(document.missing).toEqual([{ cidr: "18.206.4.0/28", service: "DNS", description: "DNS verification", uncovered: ["18.206.4.0/28"], whole: true }]);
    expect(document.published.otherServices).toEqual(["WEB_SCRAPING"]);
  });

  test("GIVEN a published /24 around a catalog /27 WHEN its service is chosen THEN only the uncovered rest of the /24 is missing", () => {
    const { status, document } = json(["--config", shippedConfig(), "--services", "web_scraping", fixture("other-services.json")]);
    expect(status).toBe(1);
    expect(document.missing).toEqual([
      {
        cidr: "141.193.184.0/24",
        service: "WEB_SCRAPING",
        description: "Crawlers",
        uncovered: ["141.193.184.32/27", "141.193.184.64/26", "141.193.184.128/25"],
        whole: false,
      },
    ]);
  });

  test("GIVEN only EMAIL chosen WHEN the API ranges hold catalog blocks THEN they are not missing but still keep those blocks from being stale", () => {
    const result = ranges(["--config", shippedConfig(), "--services", "EMAIL", fixture("covered.json")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("EGRESS ranges of API were not checked for missing");
  });

  test("GIVEN an empty results list WHEN checked THEN exit 1, every catalog entry stale, and the note that the response had no ranges", () => {
    const result = ranges(["--config", shippedConfig(), fixture("empty-results.json")]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("Note: The response had no ranges at all (was it fetched with query parameters");
    expect(result.stdout).toContain("- imap (12 entries): 12 entries stale");
    expect(result.stdout).toContain("- smtp (12 entries): 12 entries stale");
    const { document } = json(["--config", shippedConfig(), fixture("empty-results.json")]);
    expect(document.lists.imap.stale.map((s: { entry: string }) => s.entry)).toEqual(publishedCatalog().lists.imap.map(String));
    expect(document.notes[0]).toMatch(/^The response had no ranges at all/);
  });

  test("GIVEN the IMAP-only block published as an IPv4-mapped IPv6 block WHEN checked THEN it is read as the IPv4 block it denotes: covered, not stale, not missing, and the report says so", () => {
    // covered.json with 143.244.82.8/29 published as ::ffff:143.244.82.8/126 (= 143.244.82.8/30) and 143.244.82.12/30.
    const response = JSON.parse(fs.readFileSync(fixture("covered.json"), "utf8")) as { results: { cidr: string }[] };
    const results = response.results.flatMap((r) =>
      r.cidr === "143.244.82.8/29" ? [{ ...r, cidr: "::ffff:143.244.82.8/126" }, { ...r, cidr: "143.244.82.12/30" }] : [r],
    );
    const file = path.join(writeTree({ "mapped.json": JSON.stringify({ results }) }), "mapped.json");
    const result = ranges(["--config", shippedConfig(), file]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("- imap (12 entries): nothing stale\n");
    expect(result.stdout).toContain("- none: the lists cover all 7 checked ranges\n");
    expect(result.stdout).toContain("Note: 1 IPv4-mapped IPv6 range was read as the IPv4 range it denotes: ::ffff:143.244.82.8/126 as 143.244.82.8/30.\n");
    const { document } = json(["--config", shippedConfig(), file]);
    expect(document.published.ipv4Mapped).toEqual([{ cidr: "::ffff:143.244.82.8/126", readAs: "143.244.82.8/30" }]);
    expect(document.upToDate).toBe(true);
  });

  test("GIVEN a relative path WHEN checked THEN it is read from the directory the command ran in", () => {
    const result = ranges(["--config", shippedConfig(), "covered.json"], { cwd: FIXTURES });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("HubSpot ranges check: covered.json against the catalog in use");
  });

  test("GIVEN MAILGATE_CONFIG naming a config with its own lists WHEN checked without --config THEN that config's catalog is used", () => {
    const config = customConfig(["3.93.157.0/26"], ["3.93.157.0/26"], "from MAILGATE_CONFIG");
    const { document } = json([fixture("new-range.json")], { env: { MAILGATE_CONFIG: config } });
    expect(document.catalog).toEqual({ source: "from MAILGATE_CONFIG" });
  });
});

describe("mailgate ranges check: the config's own hubspot.ipRanges", () => {
  test("GIVEN a config with its own lists WHEN checked THEN those lists are compared, not the shipped catalog, and the config is left alone", () => {
    const config = customConfig(["141.193.184.0/27", "3.93.157.0/26"], ["141.193.184.0/27", "3.93.157.0/26", "52.1.2.0/24"]);
    const before = readTree(config);
    const { status, document, stderr } = json(["--config", config, fixture("new-range.json")]);
    expect(stderr).toBe("");
    expect(status).toBe(1);
    expect(document.catalog).toEqual({ source: "HubSpot 'View connection IPs', account 1234, 2026-11-01" });
    expect(document.lists.imap).toEqual({ entries: 3, stale: [{ entry: "52.1.2.0/24", stale: ["52.1.2.0/24"], whole: true }] });
    expect(document.lists.smtp).toEqual({ entries: 2, stale: [] });
    // The shipped blocks are not in these lists: published, so missing. 3.93.157.0/26 is covered.
    expect(document.missing.map((m: { cidr: string }) => m.cidr)).toEqual([
      "54.174.62.128/26",
      "54.174.62.192/29",
      "141.193.185.0/27",
      "143.244.82.8/29",
      "143.244.87.0/25",
    ]);
    expect(readTree(config)).toEqual(before);
  });

  test("GIVEN IPv6 lists WHEN HubSpot publishes part of a block THEN the rest is stale, to the exact /48, and INGRESS IPv6 is ignored", () => {
    const config = customConfig(["141.193.184.0/27", "2600:1f18:4c00::/44"], ["141.193.184.0/27", "2600:1f18:4c00::/45", "2600:1f18:5000::/47"]);
    const { status, document } = json(["--config", config, fixture("ipv6.json")]);
    expect(status).toBe(1);
    expect(document.lists.smtp.stale).toEqual([]);
    expect(document.lists.imap.stale).toEqual([{ entry: "2600:1f18:5000::/47", stale: ["2600:1f18:5001::/48"], whole: false }]);
    // The /44 is published, the IMAP list has half of it, the SMTP list all: covered.
    expect(document.missing).toEqual([]);
  });

  test("GIVEN IPv6 lists WHEN a published IPv6 range is only partly in the lists THEN exactly its uncovered part is missing", () => {
    const config = customConfig(["141.193.184.0/27", "2600:1f18:4c00::/45"], ["141.193.184.0/27", "2600:1f18:5000::/48"]);
    const result = ranges(["--config", config, fixture("ipv6.json")]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(
      '- 2600:1f18:4c00::/44 EMAIL "Email sending & connected inboxes": 2600:1f18:4c08::/45 (9671406556917033397649408 of 19342813113834066795298816 addresses)\n',
    );
    expect(result.stdout).not.toContain("2a05:d014::/32");
  });

  test("GIVEN an invalid config WHEN checked THEN exit 1 with its diagnostics, and no report", () => {
    const missing = path.join(tempDir(), "no-such-config");
    const result = ranges(["--config", missing, fixture("covered.json")]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("error CONFIG_DIR_MISSING");
  });
});

describe("mailgate ranges check: unusable responses (exit 2)", () => {
  test.each([
    ["html-error.json", 'is not JSON (Unexpected token \'<\'', "the body of GET https://api.hubapi.com/meta/network-origins/2026-09/ip-ranges"],
    ["simple-variant.txt", "is not JSON", "It looks like the plain-text variant (https://api.hubapi.com/meta/network-origins/2026-09/ip-ranges/simple)"],
    ["no-results.json", 'is not a network-origins response: it has no "results"', '{"results": ['],
    ["results-not-list.json", 'is not a network-origins response: "results" is an object, not a list', '{"results": ['],
    ["bad-cidr.json", 'is not a network-origins response: results[1].cidr "141.193.185.0/33" is not an IPv4 or IPv6 block or address', "Nothing was compared"],
    ["bad-direction.json", 'results[2] (cidr 143.244.87.0/25).direction is the string "OUTBOUND"; expected one of EGRESS, INGRESS', "Nothing was compared"],
    ["bad-service.json", 'results[0] (cidr 141.193.184.0/27).service is the string "WEBHOOKS"; expected one of API, DNS, EMAIL, WEB_SCRAPING, TEST_SERVICE', "Nothing was compared"],
    ["empty.json", "is empty; expected the body of GET", "Was the download interrupted?"],
  ])("GIVEN %s WHEN checked THEN exit 2 with one paragraph naming the file and what is wrong", (name, what, more) => {
    const result = ranges(["--config", shippedConfig(), name], { cwd: FIXTURES });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.startsWith(`mailgate: ${name} `)).toBe(true);
    expect(result.stderr).toContain(what);
    expect(result.stderr).toContain(more);
    expect(result.stderr.split("\n")).toHaveLength(2); // one line, then the final newline
  });

  test("GIVEN no such file WHEN checked THEN exit 2 saying so, with how to save the response", () => {
    const result = ranges(["--config", shippedConfig(), "ranges.json"], { cwd: tempDir() });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "mailgate: cannot read ranges.json: no such file. Save HubSpot's response first, e.g. curl -fsS https://api.hubapi.com/meta/network-origins/2026-09/ip-ranges -o ranges.json\n",
    );
  });

  test("GIVEN a directory instead of a file WHEN checked THEN exit 2 saying it is a directory", () => {
    const result = ranges(["--config", shippedConfig(), "fixtures"], { cwd: path.dirname(FIXTURES) });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("mailgate: cannot read fixtures: it is a directory.\n");
  });

  test.runIf(hasMkfifo)("GIVEN a named pipe instead of a file WHEN checked THEN exit 2 at once, never waiting for a writer", () => {
    const dir = tempDir();
    expect(spawnSync("mkfifo", [path.join(dir, "ranges.json")]).status).toBe(0);
    const result = ranges(["--config", shippedConfig(), "ranges.json"], { cwd: dir });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("mailgate: cannot read ranges.json: it is a named pipe (FIFO), not a regular file; save HubSpot's response to a file first.\n");
  });

  test("GIVEN a file larger than any network-origins response could be WHEN checked THEN exit 2 naming its size and the limit, without reading it", () => {
    const file = path.join(tempDir(), "ranges.json");
    fs.writeFileSync(file, "");
    fs.truncateSync(file, MAX_RESPONSE_BYTES + 1); // sparse: the size is all that is looked at
    const result = ranges(["--config", shippedConfig(), file]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `mailgate: ${file} is ${MAX_RESPONSE_BYTES + 1} bytes, more than the ${MAX_RESPONSE_BYTES} bytes mailgate reads as a network-origins response (HubSpot's is a few hundred ranges, tens of kilobytes); is it the right file?\n`,
    );
  });

  test("GIVEN an unusable response and an invalid config WHEN checked THEN the response decides: exit 2", () => {
    expect(ranges(["--config", path.join(tempDir(), "none"), fixture("empty.json")]).status).toBe(2);
  });
});

describe("mailgate ranges check: a response far larger than HubSpot's", () => {
  // HubSpot's response is a few hundred ranges; 200,000 is what a broken or hostile source could send.
  test("GIVEN 200,000 published ranges no list covers WHEN checked as text THEN exit 1, the first 1,000 listed and the rest counted", () => {
    const result = ranges(["--config", shippedConfig(), manyRanges(200_000)]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines.filter((l) => / EMAIL "Email sending & connected inboxes": all of it$/.test(l))).toHaveLength(1000);
    expect(lines).toContain("- 3.0.0.0/32 EMAIL \"Email sending & connected inboxes\": all of it");
    expect(lines).toContain("- ... and 199000 more missing ranges (use --format json for all)");
    expect(result.stdout).toContain("Summary: 24 stale entries (imap 12, smtp 12), 200000 missing ranges:");
    expect(lines.length).toBeLessThan(1100);
  });

  test("GIVEN 200,000 published ranges no list covers WHEN checked with --format json THEN every one is in the document", () => {
    const { status, document } = json(["--config", shippedConfig(), manyRanges(200_000)]);
    expect(status).toBe(1);
    expect(document.missing).toHaveLength(200_000);
    expect(document.missing[199_999]).toMatchObject({ cidr: "3.6.26.126/32", whole: true });
  });

  test("GIVEN a catalog block of which HubSpot publishes 200,000 separate addresses WHEN checked THEN exit 1 and the stale entry names its first blocks and counts the rest", () => {
    const config = writeTree({
      "hubspot.yaml": 'hubspot:\n  ipRanges:\n    source: "own lists"\n    allowBroadRanges: "test: one wide block"\n    smtp: [3.0.0.0/12]\n    imap: [3.0.0.0/12]\n',
      "domains.yaml": "domains: []\n",
    });
    const result = ranges(["--config", config, manyRanges(200_000)]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(1);
    const stale = result.stdout.split("\n").filter((l) => l.startsWith("  - 3.0.0.0/12: "));
    expect(stale).toHaveLength(2);
    expect(stale[0]).toMatch(/^ {2}- 3\.0\.0\.0\/12: 3\.0\.0\.1\/32, 3\.0\.0\.3\/32, (\S+, ){7}3\.0\.0\.19\/32 and \d+ more blocks \(848576 of 1048576 addresses\)$/);
    expect(result.stdout.length).toBeLessThan(100_000);
  });
});

describe("mailgate ranges check: --format json", () => {
  test("GIVEN a part dropped, a block widened and a new range WHEN checked with --format json THEN one deterministic JSON document on stdout", () => {
    const first = ranges(["--config", shippedConfig(), "--format", "json", "changed.json"], { cwd: FIXTURES });
    expect(first.status).toBe(1);
    expect(first.stderr).toBe("");
    expect(ranges(["--format", "json", "--config", shippedConfig(), "changed.json"], { cwd: FIXTURES }).stdout).toBe(first.stdout);
    expect(first.stdout).toMatchInlineSnapshot(`
      "{
        "response": "changed.json",
        "catalog": {
          "source": "HubSpot Knowledge Base: Set up IMAP or Exchange settings (knowledge.hubspot.com/connected-email/set-up-imap-settings-for-your-email-domain)",
          "published": "2024-04-04"
        },
        "services": [
          "API",
          "EMAIL"
        ],
        "published": {
          "ranges": 8,
          "egress": 7,
          "ingress": 1,
          "checked": 6,
          "otherServices": [
            "DNS"
          ],
          "ipv4Mapped": []
        },
        "lists": {
          "imap": {
            "entries": 12,
            "stale": [
              {
                "entry": "143.244.87.0/25",
                "stale": [
                  "143.244.87.64/26"
                ],
                "whole": false
              }
            ]
          },
          "smtp": {
            "entries": 12,
            "stale": [
              {
                "entry": "143.244.87.0/25",
                "stale": [
                  "143.244.87.64/26"
                ],
                "whole": false
              }
            ]
          }
        },
        "missing": [
          {
            "cidr": "3.93.157.0/26",
            "service": "EMAIL",
            "description": "Connected inbox sync (new data center)",
            "uncovered": [
              "3.93.157.0/26"
            ],
            "whole": true
          },
          {
            "cidr": "54.174.62.128/25",
            "service": "API",
            "description": "API & 3rd party integrations",
            "uncovered": [
              "54.174.62.200/29",
              "54.174.62.208/28",
              "54.174.62.224/27"
            ],
            "whole": false
          }
        ],
        "notes": [
          "EGRESS ranges of DNS were not checked for missing (add them with --services); they still count as published for stale.",
          "These are candidates for a person to judge: HubSpot does not document which service connects to connected inboxes, so mailgate does not add them to the IMAP or SMTP list."
        ],
        "upToDate": false
      }
      "
    `);
  });

  test("GIVEN the same change WHEN checked as text THEN a person reads the same content", () => {
    const result = ranges(["--config", shippedConfig(), "changed.json"], { cwd: FIXTURES });
    expect(result.status).toBe(1);
    expect(result.stdout).toMatchInlineSnapshot(`
      "HubSpot ranges check: changed.json against the catalog in use
      Catalog: HubSpot Knowledge Base: Set up IMAP or Exchange settings (knowledge.hubspot.com/connected-email/set-up-imap-settings-for-your-email-domain) (published 2024-04-04)
      Response: 8 ranges: 7 EGRESS, 1 INGRESS (ignored); missing checked for API, EMAIL (6 ranges)
      Note: EGRESS ranges of DNS were not checked for missing (add them with --services); they still count as published for stale.

      Stale: catalog addresses HubSpot no longer publishes as EGRESS (under any service)
      - imap (12 entries): 1 entry stale
        - 143.244.87.0/25: 143.244.87.64/26 (64 of 128 addresses)
      - smtp (12 entries): 1 entry stale
        - 143.244.87.0/25: 143.244.87.64/26 (64 of 128 addresses)

      Missing: published EGRESS ranges of API, EMAIL that neither list covers
      - 3.93.157.0/26 EMAIL "Connected inbox sync (new data center)": all of it
      - 54.174.62.128/25 API "API & 3rd party integrations": 54.174.62.200/29, 54.174.62.208/28, 54.174.62.224/27 (56 of 128 addresses)
      These are candidates for a person to judge: HubSpot does not document which service connects to connected inboxes, so mailgate does not add them to the IMAP or SMTP list.

      Summary: 2 stale entries (imap 1, smtp 1), 2 missing ranges: the catalog differs from HubSpot's published ranges.
      mailgate never rewrites the catalog: to change it, a person edits hubspot.ipRanges (imap, smtp) in the config with a new source.
      "
    `);
  });

  test("GIVEN the entries of the response in another order WHEN checked THEN the same bytes", () => {
    const response = JSON.parse(fs.readFileSync(fixture("changed.json"), "utf8")) as { results: unknown[] };
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "changed.json"), JSON.stringify({ results: [...response.results].reverse() }));
    const shuffled = ranges(["--config", shippedConfig(), "--format", "json", "changed.json"], { cwd: dir });
    const original = ranges(["--config", shippedConfig(), "--format", "json", "changed.json"], { cwd: FIXTURES });
    expect(shuffled.stdout).toBe(original.stdout);
  });
});

describe("mailgate ranges check: usage", () => {
  test.each([
    [[], "mailgate: ranges check needs the saved response (a JSON file)"],
    [["a.json", "b.json"], 'mailgate: ranges check takes one file, got 2: unexpected "b.json"'],
    [["--bogus", "a.json"], "mailgate: ranges check has no option --bogus"],
    [["--out", "x", "a.json"], "mailgate: ranges check has no option --out"],
    [["--format", "xml", "a.json"], 'mailgate: unknown format "xml"; use text or json'],
    [["--services", "MAIL", "a.json"], 'mailgate: unknown service "MAIL" in --services; use API, DNS, EMAIL, WEB_SCRAPING, TEST_SERVICE'],
    [["--services", "EMAIL,", "a.json"], 'mailgate: --services "EMAIL," has an empty name; list services comma-separated, e.g. EMAIL,API'],
    [["--services", "EMAIL", "--services", "API", "a.json"], "mailgate: --services given twice; list the services comma-separated"],
    [["--config"], "mailgate: --config needs a value (a directory; --config=-dir for one whose name starts with -)"],
    [["--config", "--format", "json", "a.json"], "mailgate: --config needs a value (a directory; --config=-dir for one whose name starts with -)"],
  ])("GIVEN %j WHEN run THEN exit 2 with one line and the hint", (args, line) => {
    const result = ranges(args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(`${line}\nhint: mailgate ranges check --help\n`);
  });

  test("GIVEN --help among other arguments WHEN run THEN the usage on stdout, exit 0", () => {
    for (const args of [["--help"], ["-h", "x.json"], ["--format", "xml", "--help"]]) {
      const result = ranges(args);
      expect(result.status).toBe(0);
      expect(result.stderr).toBe("");
      expect(result.stdout).toMatch(/^Usage: mailgate ranges check \[--config DIR\] \[--services LIST\] \[--format text\|json\] <saved-response.json>\n/);
      expect(result.stdout).toContain("Exit codes: 0 covered, 1 a difference");
    }
  });

  test("GIVEN MAILGATE_ASSUME set wrongly WHEN run without --config THEN a usage error, not a stack", () => {
    const result = ranges([fixture("covered.json")], { env: { MAILGATE_ASSUME: "admin" } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^mailgate: MAILGATE_ASSUME must be "deploy" or "plan", got "admin"\nhint: /);
  });

  test("GIVEN `ranges` with no or an unknown subcommand WHEN run THEN exit 2 naming check; `ranges check` runs it", () => {
    expect(ranges([], { subcommand: false }).stderr).toBe("mailgate: ranges needs a subcommand: check\nhint: mailgate ranges check --help\n");
    expect(ranges(["update"], { subcommand: false }).stderr).toBe('mailgate: unknown ranges subcommand "update"; the only one is check\nhint: mailgate ranges check --help\n');
    expect(ranges(["update"], { subcommand: false }).status).toBe(2);
    expect(ranges(["check", "--config", shippedConfig(), fixture("covered.json")], { subcommand: false }).status).toBe(0);
    expect(ranges(["check", "--config", shippedConfig(), fixture("new-range.json")], { subcommand: false }).status).toBe(1);
    expect(ranges(["--help"], { subcommand: false }).stdout).toMatch(/^Usage: mailgate ranges check /);
  });

  // A process, as users run it: lib/cli.ts loads this command lazily with require().
  test("GIVEN the mailgate command line WHEN run as `ranges check` THEN it reaches this command, exit codes and all", () => {
    const config = shippedConfig();
    const changed = runTs("lib/cli.ts", ["ranges", "check", "--config", config, "--format", "json", "changed.json"], { cwd: FIXTURES });
    expect(changed.stderr).toBe("");
    expect(changed.status).toBe(1);
    expect(JSON.parse(changed.stdout).upToDate).toBe(false);
    const empty = runTs("lib/cli.ts", ["ranges", "check", "--config", config, "empty.json"], { cwd: FIXTURES });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/^mailgate: empty.json is empty; /);
  });
});
