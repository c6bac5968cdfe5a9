// Encodings: binary and non-UTF-8 files are refused naming the file and the first bad byte; a
// byte-order mark, CRLF line endings and tabs in strings read like plain files, with the same
// line numbers; what the user sees of a line can never drive their terminal.
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { decodeConfigBytes, firstInvalidUtf8 } from "../../lib/config/files";
import { formatDiagnostics } from "../../lib/config/format";
import { readYaml } from "../../lib/config/read-yaml";
import { excerpt } from "../../lib/config/source";
import { imapDomain } from "../config/builders";
import { DOMAIN_USING_FW, load, removeTempDirs, where, yaml } from "../config/helpers";

afterAll(removeTempDirs);

const summary = (files: Record<string, string | Buffer>) => load(files).diagnostics.map((d) => `${d.code} ${where(d)}`);

describe("binary and non-UTF-8 files", () => {
  test("GIVEN a PNG named .yaml WHEN loaded THEN BINARY_FILE at the first NUL byte, with its byte offset", () => {
    // 89 P N G \r \n 1a \n 00 ...: the NUL is at byte 8, the start of line 3.
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const { diagnostics } = load({ "logo.yaml": png });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["BINARY_FILE logo.yaml:3:1"]);
    expect(diagnostics[0].message).toBe("This file contains a NUL byte (byte offset 8): it is binary, not YAML text.");
    expect(formatDiagnostics(diagnostics)).not.toMatch(/[\u0000-\u0008\u001a\u001b]/);
  });

  test("GIVEN a text file with one NUL byte WHEN loaded THEN BINARY_FILE at its line and column", () => {
    expect(summary({ "a.yaml": `${imapDomain()}# note\u0000\n` })).toEqual(["BINARY_FILE a.yaml:10:7"]);
  });

  test("GIVEN a Latin-1 file WHEN loaded THEN NOT_UTF8 at the accented letter, naming the byte", () => {
    const latin1 = Buffer.from(yaml("domains:", "  - domain: caf\u00e9.example", "    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }"), "latin1");
    const { diagnostics } = load({ "a.yaml": latin1 });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["NOT_UTF8 a.yaml:2:16"]);
    expect(diagnostics[0].message).toBe("This file is not valid UTF-8: byte 0xe9 at byte offset 24 does not belong to a UTF-8 character.");
    expect(diagnostics[0].hint).toContain("Latin-1");
    expect(diagnostics[0].excerpt).toEqual({ lineText: "  - domain: caf\ufffd.example", column: 16, length: 1 });
  });

  test("columns after multi-byte characters count characters, not bytes", () => {
    // "ü" is two bytes in UTF-8, one column.
    const bytes = Buffer.concat([Buffer.from("# Grüße\n# \u00fc\u00fc "), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]);
    expect(summary({ "a.yaml": bytes })).toEqual(["NOT_UTF8 a.yaml:2:6"]);
  });

  test.each([
    ["UTF-16 LE", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("domains: []\n", "utf16le")]), "little-endian"],
    ["UTF-16 BE", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("domains: []\n", "utf16le").swap16()]), "big-endian"],
  ])("GIVEN a %s file WHEN loaded THEN NOT_UTF8 saying it is UTF-16 and how to fix it", (_, bytes, endian) => {
    const { diagnostics } = load({ "a.yaml": bytes });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["NOT_UTF8 a.yaml:1:1"]);
    expect(diagnostics[0].message).toContain(`UTF-16 text (${endian}`);
    expect(diagnostics[0].hint).toContain("save it as UTF-8");
  });

  test.each([
    ["overlong '/'", [0x61, 0xc0, 0xaf], 1],
    ["surrogate half", [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
    ["above U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["truncated at the end", [0x61, 0xe2, 0x82], 1],
    ["stray continuation byte", [0x80], 0],
    ["valid 4-byte, then 0xff", [0xf0, 0x9f, 0x99, 0x82, 0xff], 4],
  ])("the first bad byte of %s is found", (_, bytes, offset) => {
    expect(firstInvalidUtf8(Uint8Array.from(bytes))).toBe(offset);
  });

  test("firstInvalidUtf8 agrees with the WHATWG decoder on random bytes", () => {
    const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const decodes = (b: Uint8Array) => {
      try {
        fatal.decode(b);
        return true;
      } catch {
        return false;
      }
    };
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0x80, max: 0xbf }), fc.constantFrom(0xc2, 0xe0, 0xed, 0xf0, 0xf4));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 12 }).map((a) => Uint8Array.from(a)), (bytes) => {
        const offset = firstInvalidUtf8(bytes);
        expect(offset === bytes.length).toBe(decodes(bytes));
        // Everything before the reported byte is valid UTF-8 on its own.
        expect(decodes(bytes.subarray(0, offset))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  test("decoding refuses what it should and strips a byte-order mark", () => {
    expect(decodeConfigBytes(Buffer.from("\ufeffa: 1\n"))).toEqual({ text: "a: 1\n", size: 8 });
    expect(decodeConfigBytes(Buffer.from([0x61, 0x00]))).toMatchObject({ kind: "binary", offset: 1 });
  });
});

describe("plain files in other clothes", () => {
  // An IMAP domain with a bad domain name (line 2) and a port out of range (line 6).
  const lines = [
    "domains:",
    "  - domain: bob@example.com",
    "    imap:",
    "      incoming:",
    "        host: imap.example.com",
    "        port: 99999",
    "      outgoing: { host: smtp.example.com, port: 587 }",
  ];
  const plain = summary({ "a.yaml": yaml(...lines) });

  test("the plain file's problems, as the baseline", () => {
    expect(plain).toEqual(["INVALID_DOMAIN a.yaml:2:13", "INVALID_PORT a.yaml:6:15"]);
  });

  test("GIVEN a UTF-8 byte-order mark WHEN loaded THEN the same problems at the same lines and columns", () => {
    expect(summary({ "a.yaml": `\ufeff${yaml(...lines)}` })).toEqual(plain);
  });

  test("GIVEN CRLF line endings WHEN loaded THEN the same problems at the same places, and no CR in excerpts", () => {
    const { diagnostics } = load({ "a.yaml": `${lines.join("\r\n")}\r\n` });
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(plain);
    expect(diagnostics.map((d) => d.excerpt?.lineText)).toEqual(["  - domain: bob@example.com", "        port: 99999"]);
  });

  test("GIVEN a BOM and CRLF together WHEN loaded THEN still the same", () => {
    expect(summary({ "a.yaml": `\ufeff${lines.join("\r\n")}\r\n` })).toEqual(plain);
  });

  test("GIVEN tabs inside quoted strings and comments WHEN loaded THEN they are text, and later lines keep their numbers", () => {
    const withTabs = [
      "# a comment\twith a tab",
      "domains:",
      '  - domain: "bob@example.com"\t# tab before a comment',
      "    imap:",
      "      incoming:",
      '        host: "imap.example.com"',
      "        port: 99999",
      "      outgoing: { host: smtp.example.com, port: 587 }",
      'x: "a\tb"',
    ];
    expect(summary({ "a.yaml": yaml(...withTabs) })).toEqual(["INVALID_DOMAIN a.yaml:3:13", "INVALID_PORT a.yaml:7:15", "UNKNOWN_KEY a.yaml:9:1"]);
  });

  test("a caret under a line with tabs lines up however wide the terminal's tabs are", () => {
    const { diagnostics } = load({ "a.yaml": yaml("hubspot:", "  ipRanges:", '    source:\t"a\tb"', "    smtp: [141.193.184.0/27]", "    imap: [141.193.184.0/27]") });
    const text = formatDiagnostics(diagnostics);
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["INVALID_SOURCE_TEXT a.yaml:3:13"]);
    // The caret line copies the tab, so it sits under the quote whatever the tab width.
    expect(text).toContain('    3 |     source:\t"a\tb"\n      |            \t^^^^^');
  });
});

describe("one YAML dialect: 1.2, core schema", () => {
  test("GIVEN a %YAML 1.1 directive WHEN loaded THEN still YAML 1.2: `yes` is text and `<<` merges nothing", () => {
    const text = yaml(
      "%YAML 1.1",
      "---",
      "domains:",
      "  - domain: example.com",
      "    imap:",
      "      <<: { incoming: { host: imap.example.com, port: 993 } }",
      "      outgoing: { host: smtp.example.com, port: 587 }",
      "      allowNonSecureCertificate: yes",
    );
    expect(summary({ "a.yaml": text })).toEqual(["MISSING_FIELD a.yaml:6:7", "UNKNOWN_KEY a.yaml:6:7", "WRONG_TYPE a.yaml:8:34"]);
  });

  test("GIVEN YAML 1.1 tags (!!binary would be a Buffer, !!set a Set) WHEN loaded THEN refused at each tag: no value is read from a guess", () => {
    const text = yaml("domains:", "  - domain: example.com", "    exchange: !!binary aGVsbG8=", "    firewalls: !!set { a: null }");
    const { diagnostics } = load({ "a.yaml": text });
    expect(diagnostics.map((d) => `${d.code} ${d.severity} ${where(d)}`)).toEqual(["YAML_SYNTAX error a.yaml:3:15", "YAML_SYNTAX error a.yaml:4:16"]);
    expect(diagnostics[0].message).toBe(
      "The tag `!!binary` is not one mailgate reads (Unresolved tag: tag:yaml.org,2002:binary); config values are plain text, numbers, true/false, lists and mappings.",
    );
    expect(diagnostics[0].hint).toBe("remove the tag and write the value plainly (in quotes if it must stay text)");
  });

  test("GIVEN the core schema's own tags WHEN loaded THEN they mean what YAML 1.2 says: `!!str 012345678901` is text", () => {
    const text = yaml("firewalls:", "  fw:", "    type: aws-security-group", "    region: !!str eu-west-1", "    account: !!str 012345678901", "    securityGroupId: sg-0a1b2c3d");
    const { diagnostics } = load({ "a.yaml": text, "d.yaml": DOMAIN_USING_FW });
    expect(diagnostics).toEqual([]);
  });
});

describe("what a diagnostic shows of a line", () => {
  test("GIVEN a terminal escape and a bidi override on a line WHEN reported THEN the excerpt shows U+FFFD in their place, same columns", () => {
    // A raw ESC is no YAML character: refused where it stands, before anything reads the line.
    const evil = "  - domain: \u001b[2J\u202eexample.com";
    const { diagnostics } = load({ "a.yaml": yaml("domains:", evil, "    imap: 7") });
    const text = formatDiagnostics(diagnostics);
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(diagnostics.map((d) => `${d.code} ${where(d)}`)).toEqual(["YAML_SYNTAX a.yaml:2:13"]);
    expect(diagnostics[0].message).toBe("This line contains the character U+001B (a control character), which YAML does not allow in a file.");
    expect(diagnostics[0].excerpt?.lineText).toBe("  - domain: \ufffd[2J\ufffdexample.com");
  });

  test("GIVEN the same written as YAML escapes, and a raw bidi override WHEN reported THEN messages show them as visible escapes", () => {
    const { diagnostics } = load({ "a.yaml": yaml("domains:", '  - domain: "\\e[2J\\u202Eexample.com"', "  - domain: \u202eexample.org", "    imap: 7") });
    const text = formatDiagnostics(diagnostics);
    expect(text).not.toMatch(/[\u001b\u202e]/);
    expect(text).toContain('"\\u001b[2J\\u{202E}example.com"');
    expect(text).toContain('"\\u{202E}example.org"');
    const excerpts = diagnostics.map((d) => d.excerpt?.lineText).filter((t) => t?.startsWith("  - domain:"));
    expect(excerpts).toContain("  - domain: \ufffdexample.org");
  });

  test.each([
    ["a control character", "a: b\u0001c\n", "1:5", "U+0001 (a control character)"],
    ["DEL", "# x\u007f\na: 1\n", "1:4", "U+007F (a control character)"],
    ["a C1 control", "a: b\u009bc\n", "1:5", "U+009B (a control character)"],
    ["half a surrogate pair", "a: b\ud800c\n", "1:5", "U+D800 (half of a surrogate pair)"],
    ["a byte-order mark inside the file", "a: 1\nb: \ufeffx\n", "2:4", "U+FEFF (a byte-order mark, allowed only at the start of the file)"],
    ["a carriage return without a line feed", "a: [1,\r2]\n", "1:7", "A carriage return ends a line here without a line feed"],
  ])("GIVEN %s WHEN read THEN refused at it: YAML does not allow it, and the yaml library would read it as text", (_, text, at, says) => {
    const reading = readYaml(text, "a.yaml");
    expect("value" in reading).toBe(false);
    expect(reading.diagnostics.map((d) => `${d.position.line}:${d.position.column}`)).toEqual([at]);
    expect(reading.diagnostics[0].message).toContain(says);
  });

  test("GIVEN NEL, U+2028 and a leading byte-order mark WHEN read THEN they are ordinary text, as YAML 1.2 says", () => {
    expect(readYaml("\ufeffa: b\u0085c\u2028d\n", "a.yaml")).toEqual({ value: { a: "b\u0085c\u2028d" }, diagnostics: [] });
  });

  test("a very long line is shown as a window around the column, caret still on the right character", () => {
    const line = `${"x".repeat(5000)}HERE${"y".repeat(5000)}`;
    const shown = excerpt(line, 5001, 4);
    expect(shown.lineText.length).toBeLessThanOrEqual(126);
    expect(shown.lineText.slice(shown.column - 1, shown.column - 1 + shown.length)).toBe("HERE");
    expect(shown.lineText.startsWith("...")).toBe(true);
    expect(shown.lineText.endsWith("...")).toBe(true);
  });

  test("a window never cuts a surrogate pair in half", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 150, maxLength: 400 }), fc.nat(), (line, at) => {
        const column = (at % line.length) + 1;
        const shown = excerpt(line, column, 1).lineText;
        expect(shown).not.toMatch(/(?:[^\ud800-\udbff]|^)[\udc00-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])/);
      }),
      { numRuns: 300 },
    );
  });
});
