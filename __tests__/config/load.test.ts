import * as path from "node:path";
import * as fc from "fast-check";
import { stringify } from "yaml";
import { afterAll, describe, expect, test } from "vitest";
import { compareDiagnostics, hasErrors } from "../../lib/config/diagnostic";
import { loadConfig } from "../../lib/config/load";
import { Cidr } from "../../lib/model/cidr";
import { domainUsing, exchangeDomain, firewall, hubspot, imapDomain } from "./builders";
import { FIREWALL_FW, load, removeTempDirs, where, writeConfigDir, yaml } from "./helpers";

afterAll(removeTempDirs);

const FIXTURES = path.join(__dirname, "../fixtures/config");

describe("finding config files", () => {
  test("a missing directory is CONFIG_DIR_MISSING at the directory as given", () => {
    // GIVEN a directory that does not exist; WHEN loaded
    const result = loadConfig("no/such/config");
    // THEN one error names it, and there is no config
    expect(result.config).toBeUndefined();
    expect(result.diagnostics).toMatchObject([
      { code: "CONFIG_DIR_MISSING", severity: "error", position: { file: "no/such/config", line: 1, column: 1 } },
    ]);
  });

  test("a file given as the directory is CONFIG_DIR_MISSING", () => {
    const dir = writeConfigDir({ "a.yaml": imapDomain() });
    expect(loadConfig(path.join(dir, "a.yaml")).diagnostics.map((d) => d.code)).toEqual(["CONFIG_DIR_MISSING"]);
  });

  test("a directory without YAML files is NO_CONFIG_FILES", () => {
    // GIVEN only a README, a dotfile and a YAML file in a dot-directory
    const dir = writeConfigDir({ "README.md": "# config", ".hidden.yaml": imapDomain(), ".git/x.yaml": imapDomain() });
    // WHEN loaded; THEN none of them count
    expect(loadConfig(dir).diagnostics).toMatchObject([{ code: "NO_CONFIG_FILES", position: { file: dir, line: 1, column: 1 } }]);
  });

  test("dotfiles, dot-directories and other extensions are ignored; .yml and sub-folders are read", () => {
    // GIVEN broken YAML in places that must be ignored, and the firewall in a nested .yml file
    const { config, diagnostics } = load({
      "a.yaml": domainUsing("fw"),
      "nested/deeper/fw.yml": FIREWALL_FW,
      ".draft.yaml": "domains: [",
      ".git/config.yaml": "x: [",
      "notes.txt": "x: [",
      "a.yaml.bak": "x: [",
    });
    // WHEN loaded; THEN the config is clean and uses the nested firewall
    expect(diagnostics).toEqual([]);
    expect(config?.firewalls.map((f) => f.name)).toEqual(["fw"]);
  });

  test("empty and comment-only files contribute nothing", () => {
    const { config, diagnostics } = load({ "a.yaml": imapDomain(), "empty.yaml": "", "comments.yaml": "# nothing yet\n" });
    expect(diagnostics).toEqual([]);
    expect(config?.domains.map((d) => d.name)).toEqual(["example.com"]);
  });

  test("files are ordered by plain code-unit comparison of their paths, not locale order", () => {
    // GIVEN the same domain in `B.yaml` and `a.yaml` ("B" < "a" in code units, not in locale order)
    const { diagnostics } = load({ "a.yaml": imapDomain(), "B.yaml": imapDomain() });
    // THEN a.yaml is the later one, so the duplicate is reported there
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["DUPLICATE_DOMAIN a.yaml:2:13"]);
    expect(diagnostics[0].related).toEqual([{ file: "B.yaml", line: 2, column: 13 }]);
  });

  test("diagnostic files keep the directory as the user gave it, relative or absolute", () => {
    const relative = path.relative(process.cwd(), path.join(FIXTURES, "conflict"));
    expect(loadConfig(relative).diagnostics[0].position.file).toBe(`${relative.split(path.sep).join("/")}/b-exchange.yaml`);
    expect(loadConfig(`./${relative}`).diagnostics[0].position.file).toBe(`${relative.split(path.sep).join("/")}/b-exchange.yaml`);
    const absolute = path.join(FIXTURES, "conflict");
    expect(loadConfig(absolute).diagnostics[0].position.file).toBe(`${absolute}/b-exchange.yaml`);
  });

  test("a byte-order mark does not shift columns on the first line", () => {
    const { diagnostics } = load({ "a.yaml": `\ufeff${yaml("domain:", "  - domain: example.com")}` });
    expect(diagnostics.map(where)).toEqual(["a.yaml:1:1"]);
  });
});

describe("YAML problems", () => {
  test("a file with YAML errors is skipped, the other files are still checked", () => {
    // GIVEN broken YAML in one file and a bad domain in another
    const { diagnostics } = load({ "a.yaml": "domains: [\n", "b.yaml": imapDomain({ domain: "bob@example.com" }) });
    // THEN both are reported, and nothing else
    expect(diagnostics.map((d) => d.code)).toEqual(["YAML_SYNTAX", "INVALID_DOMAIN"]);
  });

  test("while a file is broken, firewall references are not reported as undefined or unused", () => {
    // GIVEN a broken file that may hold the definition of `fw`, and an unused firewall
    const { diagnostics } = load({ "a.yaml": domainUsing("fw"), "b.yaml": "firewalls: [\n", "c.yaml": firewall({ name: "other" }) });
    // THEN only the YAML error is reported
    expect(diagnostics.map((d) => d.code)).toEqual(["YAML_SYNTAX"]);
  });

  test("anchors and aliases may repeat settings", () => {
    const { config, diagnostics } = load({
      "a.yaml": yaml(
        "domains:",
        "  - domain: example.com",
        "    imap: &mail",
        "      incoming: { host: imap.example.com, port: 993 }",
        "      outgoing: { host: smtp.example.com, port: 587 }",
        "  - domain: example.org",
        "    imap: *mail",
      ),
    });
    expect(diagnostics).toEqual([]);
    expect(config?.domains.map((d) => d.name)).toEqual(["example.com", "example.org"]);
  });

  test("an alias bomb is rejected, not expanded", () => {
    // 10^6 values from six lines (more in __tests__/hostile/limits.test.ts)
    const bomb = yaml(
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]",
    );
    expect(load({ "a.yaml": bomb }).diagnostics.map((d) => d.code)).toEqual(["YAML_LIMIT"]);
  });
});

describe("every problem at once", () => {
  test("one file with five different problems yields five diagnostics in position order", () => {
    // GIVEN a file with an email as domain, a host with a port, a port out of range,
    // an unknown key and an undefined firewall
    const files = {
      "a.yaml": imapDomain({
        domain: "bob@example.com",
        inHost: "imap.example.com:993",
        outPort: "0",
        imapExtra: ["verify: true"],
        entryExtra: ["firewalls: [nowhere]"],
      }),
    };
    // WHEN loaded
    const { config, diagnostics } = load(files);
    // THEN each is reported, sorted by line and column
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual([
      "INVALID_DOMAIN a.yaml:2:13",
      "INVALID_HOST a.yaml:5:15",
      "INVALID_PORT a.yaml:9:15",
      "UNKNOWN_KEY a.yaml:10:7",
      "UNDEFINED_FIREWALL a.yaml:11:17",
    ]);
    expect(config).toBeUndefined();
  });

  test("a shape error in one domain entry does not hide value errors in others", () => {
    const { diagnostics } = load({
      "a.yaml": yaml(
        "domains:",
        "  - domain: 42",
        "    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }",
        "  - domain: example..org",
        "    exchange: { url: http://mail.example.org/EWS/Exchange.asmx }",
      ),
    });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual([
      "WRONG_TYPE a.yaml:2:13",
      "INVALID_DOMAIN a.yaml:4:13",
      "INVALID_EXCHANGE_URL a.yaml:5:22",
    ]);
  });

  test("diagnostics across files are sorted with compareDiagnostics", () => {
    const { diagnostics } = load({
      "b.yaml": imapDomain({ domain: "x", inPort: "70000" }),
      "a.yaml": exchangeDomain({ url: "ftp://x.example/EWS/Exchange.asmx" }),
    });
    expect(diagnostics.length).toBeGreaterThan(2);
    expect([...diagnostics].sort(compareDiagnostics)).toEqual(diagnostics);
  });

  test("warnings alone still produce a config", () => {
    const { config, diagnostics } = load({ "a.yaml": imapDomain({ inHost: "10.0.0.5" }), "fw.yaml": FIREWALL_FW });
    expect(diagnostics.map((d) => d.code).sort()).toEqual(["NON_PUBLIC_HOST", "UNUSED_FIREWALL"]);
    // The unused firewall is left out of the config.
    expect(config).toMatchObject({ domains: [{ name: "example.com" }], firewalls: [] });
  });
});

describe("normalisation", () => {
  test("Example.COM. and example.com in two files are the same domain", () => {
    const { diagnostics } = load({ "a.yaml": imapDomain({ domain: "Example.COM." }), "b.yaml": imapDomain() });
    expect(diagnostics).toMatchObject([
      { code: "DUPLICATE_DOMAIN", severity: "error", position: { file: "b.yaml", line: 2, column: 13 } },
    ]);
    expect(diagnostics[0].message).toContain("example.com");
  });

  test("an IDN domain and host become punycode", () => {
    const { config } = load({ "a.yaml": exchangeDomain({ domain: "Bücher.example", url: "https://mail.bücher.example/EWS/Exchange.asmx" }) });
    expect(config?.domains[0]).toMatchObject({
      name: "xn--bcher-kva.example",
      url: "https://mail.xn--bcher-kva.example/EWS/Exchange.asmx",
      endpoint: { host: "mail.xn--bcher-kva.example", port: 443 },
    });
  });

  test("an Exchange URL's IPv6 host loses its brackets in the endpoint, and the default port is 443", () => {
    const { config } = load({ "a.yaml": exchangeDomain({ url: "https://[2001:4860:4860:0::8888]:443/EWS/Exchange.asmx" }) });
    expect(config?.domains[0]).toMatchObject({
      url: "https://[2001:4860:4860::8888]/EWS/Exchange.asmx",
      endpoint: { host: "2001:4860:4860::8888", port: 443 },
    });
  });

  test("reordering entries, keys and lists, or splitting into files, gives a deep-equal Config", () => {
    // GIVEN one config written in a single file
    const single = load({
      "all.yaml": yaml(
        "hubspot:",
        "  ipRanges:",
        "    source: lists",
        "    smtp: [141.193.184.0/27, 143.244.82.12, 143.244.82.12/32]",
        "    imap: [143.244.82.8, 141.193.184.0/27]",
        "domains:",
        "  - domain: a.example",
        "    imap:",
        "      incoming: { host: imap.a.example, port: 993 }",
        "      outgoing: { host: smtp.a.example, port: 587 }",
        "    firewalls: [fw-b, fw-a]",
        "  - domain: b.example",
        "    exchange: { url: https://mail.b.example/EWS/Exchange.asmx }",
        "    firewalls: [fw-a]",
        "firewalls:",
        "  fw-a: { type: aws-security-group, region: us-east-1, securityGroupId: sg-0a1b2c3d }",
        "  fw-b: { type: aws-security-group, region: eu-west-1, vpcId: vpc-0a1b2c3d, name: mail }",
      ),
    });
    // AND the same config reversed everywhere and spread over three files
    const split = load({
      "z/firewalls.yaml": yaml(
        "firewalls:",
        "  fw-b: { name: mail, vpcId: vpc-0a1b2c3d, region: eu-west-1, type: aws-security-group }",
        "  fw-a: { securityGroupId: sg-0a1b2c3d, region: us-east-1, type: aws-security-group }",
      ),
      "m.yaml": yaml(
        "firewalls: {}",
        "domains:",
        "  - firewalls: [fw-a]",
        "    exchange: { url: https://mail.b.example/EWS/Exchange.asmx }",
        "    domain: B.Example",
        "  - firewalls: [fw-a, fw-b, fw-a]",
        "    imap:",
        "      outgoing: { port: 587, host: SMTP.a.example }",
        "      incoming: { port: 993, host: imap.a.example. }",
        "    domain: a.example.",
      ),
      "a.yaml": yaml(
        "hubspot:",
        "  ipRanges:",
        "    imap: [141.193.184.0/27, 143.244.82.8/32]",
        "    smtp: [143.244.82.12/32, 141.193.184.0/27]",
        "    source: lists",
      ),
    });
    // THEN both load to equal configs (the split one warns about its repeated reference)
    expect(single.config).toBeDefined();
    expect(split.diagnostics.map((d) => d.code)).toEqual(["DUPLICATE_FIREWALL_REFERENCE"]);
    // (apart from where each firewall is defined, kept only to locate quota problems)
    const meaning = (c: typeof single.config) => c && { ...c, firewalls: c.firewalls.map(({ position: _, ...t }) => t) };
    expect(meaning(split.config)).toEqual(meaning(single.config));
    // AND even their key order matches, so serialised outputs are byte-identical
    const serialise = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
    expect(serialise(meaning(split.config))).toBe(serialise(meaning(single.config)));
  });
});

describe("a valid config", () => {
  // GIVEN the `valid` fixture: hubspot lists, three domains, two firewalls in sub-folder files
  const result = loadConfig(path.join(FIXTURES, "valid"));
  const config = result.config!;

  test("loads without diagnostics", () => {
    expect(result.diagnostics).toEqual([]);
    expect(hasErrors(result.diagnostics)).toBe(false);
  });

  test("domains are normalised and sorted by name", () => {
    expect(config.domains.map((d) => [d.name, d.kind])).toEqual([
      ["corp.example.org", "exchange"],
      ["example.com", "imap"],
      ["xn--mnchen-3ya.example", "imap"],
    ]);
  });

  test("IMAP settings carry normalised endpoints and the certificate flag", () => {
    expect(config.domains[1]).toEqual({
      kind: "imap",
      name: "example.com",
      incoming: { host: "imap.example.com", port: 993 },
      outgoing: { host: "smtp.example.com", port: 587 },
      allowNonSecureCertificate: true,
      firewalls: ["exchange-dmz", "mail-use1"],
    });
    expect(config.domains[2]).toMatchObject({
      incoming: { host: "93.184.215.14", port: 143 },
      outgoing: { host: "2001:4860:4860::8888", port: 465 },
      allowNonSecureCertificate: false,
      firewalls: [],
    });
  });

  test("Exchange settings keep the WHATWG URL and take the port from it", () => {
    expect(config.domains[0]).toEqual({
      kind: "exchange",
      name: "corp.example.org",
      url: "https://mail.corp.example.org:8443/EWS/Exchange.asmx",
      endpoint: { host: "mail.corp.example.org", port: 8443 },
      firewalls: ["exchange-dmz"],
    });
  });

  test("firewalls are sorted by name, existing and created groups apart", () => {
    expect(config.firewalls.map((f) => f.position && `${f.position.file.replace(/^.*valid\//, "")}:${f.position.line}:${f.position.column}`)).toEqual([
      "regions/eu.yaml:2:3",
      "regions/us.yml:2:3",
    ]);
    expect(config.firewalls.map(({ position: _, ...f }) => f)).toEqual([
      { type: "aws-security-group", name: "exchange-dmz", region: "eu-central-1", securityGroupId: "sg-0a1b2c3d4e5f67890" },
      {
        type: "aws-security-group",
        name: "mail-use1",
        region: "us-east-1",
        create: { vpcId: "vpc-0a1b2c3d4e5f67890", groupName: "hubspot-mail-ingress" },
      },
    ]);
  });

  test("IP lists are canonical Cidrs, sorted", () => {
    expect(config.ipRanges?.source).toBe("HubSpot 'View connection IPs', account 1234, 2026-11-01");
    expect(config.ipRanges?.smtp.every((c) => c instanceof Cidr)).toBe(true);
    expect(config.ipRanges?.smtp.map(String)).toEqual([
      "141.193.184.0/27",
      "143.244.82.12/32",
      "143.244.82.13/32",
      "2600:1f18:4a3:6901::/64",
    ]);
    expect(config.ipRanges?.imap.map(String)).toEqual(["141.193.184.0/27", "143.244.82.8/32"]);
  });

  test("without a hubspot section, ipRanges is undefined (the shipped catalog applies)", () => {
    const { config: withoutLists } = load({ "a.yaml": imapDomain(), "b.yaml": yaml("hubspot: {}") });
    expect(withoutLists).toBeDefined();
    expect(withoutLists?.ipRanges).toBeUndefined();
  });
});

describe("robustness", () => {
  const anyValue = fc.jsonValue({ maxDepth: 3 });
  const domainEntry = fc.dictionary(fc.constantFrom("domain", "imap", "exchange", "firewalls", "Domain"), anyValue, { maxKeys: 4 });
  const file = fc.oneof(
    anyValue,
    fc.record(
      {
        hubspot: fc.oneof(anyValue, fc.record({ ipRanges: fc.dictionary(fc.constantFrom("source", "smtp", "imap"), anyValue) })),
        domains: fc.oneof(anyValue, fc.array(domainEntry, { maxLength: 3 })),
        firewalls: fc.oneof(anyValue, fc.dictionary(fc.string({ maxLength: 5 }), fc.dictionary(fc.constantFrom("type", "region", "vpcId", "name", "securityGroupId"), anyValue))),
      },
      { requiredKeys: [] },
    ),
  );

  test("loadConfig never throws, and returns a config exactly when there are no errors", () => {
    // GIVEN arbitrary values in and around the config shape, in one or two files
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 2 }), (values) => {
        const files = Object.fromEntries(values.map((v, i) => [`f${i}.yaml`, stringify(v)]));
        // WHEN loaded
        const { config, diagnostics } = load(files);
        // THEN the result is consistent, and every diagnostic has a position and excerpt
        expect(config !== undefined).toBe(!hasErrors(diagnostics));
        for (const d of diagnostics) {
          expect(d.position.line).toBeGreaterThanOrEqual(1);
          expect(d.position.column).toBeGreaterThanOrEqual(1);
          expect(d.excerpt?.length).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe("the builders used by the tables are clean", () => {
  test.each([
    ["hubspot", { "a.yaml": hubspot() }],
    ["imap + firewall", { "a.yaml": domainUsing("fw"), "fw.yaml": firewall() }],
  ])("%s", (_, files) => {
    expect(load(files).diagnostics).toEqual([]);
  });
});
