import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { formatDiagnostic, formatDiagnostics } from "../../lib/config/format";
import { loadConfig } from "../../lib/config/load";

/** Fixture directories as a user would name them: relative to the working directory. */
function fixture(name: string): string {
  return path.relative(process.cwd(), path.join(__dirname, "../fixtures/config", name)).split(path.sep).join("/");
}

function formatted(name: string): string {
  return formatDiagnostics(loadConfig(fixture(name)).diagnostics);
}

describe("formatted diagnostics, as the validate command prints them", () => {
  test("IMAP settings in one file and Exchange settings in another", () => {
    // GIVEN example.com with IMAP in a-imap.yaml and Exchange in b-exchange.yaml
    // WHEN the config is loaded and its diagnostics formatted
    // THEN the conflict is reported at the later file, naming the other place
    expect(formatted("conflict")).toMatchInlineSnapshot(`
      "__tests__/fixtures/config/conflict/b-exchange.yaml:4:5: error IMAP_EXCHANGE_CONFLICT: Domain example.com has Exchange settings here and IMAP settings at __tests__/fixtures/config/conflict/a-imap.yaml:3:5; HubSpot allows IMAP or Exchange settings for a domain, not both.
          4 |     exchange:
            |     ^^^^^^^^
        hint: keep one: remove the \`exchange\` settings here or the \`imap\` settings at __tests__/fixtures/config/conflict/a-imap.yaml:3:5
        see also: __tests__/fixtures/config/conflict/a-imap.yaml:3:5

      1 error, 0 warnings"
    `);
  });

  test("an unknown key close to a valid one", () => {
    expect(formatted("unknown-key")).toMatchInlineSnapshot(`
      "__tests__/fixtures/config/unknown-key/domains.yaml:6:7: error UNKNOWN_KEY: Unknown key \`allowNonSecureCertficate\` in domains[0].imap.
          6 |       allowNonSecureCertficate: true
            |       ^^^^^^^^^^^^^^^^^^^^^^^^
        hint: did you mean \`allowNonSecureCertificate\`?

      1 error, 0 warnings"
    `);
  });

  test("a CIDR with host bits set", () => {
    expect(formatted("host-bits")).toMatchInlineSnapshot(`
      "__tests__/fixtures/config/host-bits/hubspot.yaml:4:30: error CIDR_HOST_BITS: CIDR "143.244.87.10/25" has host bits set; the block it names starts at 143.244.87.0.
          4 |     smtp: [141.193.184.0/27, 143.244.87.10/25]
            |                              ^^^^^^^^^^^^^^^^
        hint: did you mean 143.244.87.0/25?

      1 error, 0 warnings"
    `);
  });

  test("a YAML syntax error", () => {
    expect(formatted("yaml-syntax")).toMatchInlineSnapshot(`
      "__tests__/fixtures/config/yaml-syntax/domains.yaml:4:3: error YAML_SYNTAX: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }.
          4 |   - domain: example.org
            |   ^

      1 error, 0 warnings"
    `);
  });
});

describe("formatDiagnostic", () => {
  const base: Diagnostic = {
    code: "IMAP_EXCHANGE_CONFLICT",
    severity: "error",
    message: "Domain example.com has ...",
    position: { file: "config/domains.yaml", line: 12, column: 5 },
  };

  test("the first line is file:line:col: severity CODE: message", () => {
    // GIVEN a diagnostic; WHEN formatted; THEN its first line has the contract format
    expect(formatDiagnostic(base).split("\n")[0]).toBe(
      "config/domains.yaml:12:5: error IMAP_EXCHANGE_CONFLICT: Domain example.com has ...",
    );
  });

  test("without excerpt, hint or related positions it is one line", () => {
    expect(formatDiagnostic(base)).not.toContain("\n");
  });

  test("the caret line underlines the excerpt span under the source line", () => {
    // GIVEN a diagnostic with an excerpt at column 5, six characters long
    const d: Diagnostic = {
      ...base,
      excerpt: { lineText: "  - domain: example.com", column: 5, length: 6 },
      hint: "keep one",
      related: [{ file: "config/b.yaml", line: 3, column: 5 }],
    };
    // WHEN formatted
    // THEN the source line, carets under `domain`, the hint and the related position follow
    expect(formatDiagnostic(d).split("\n").slice(1)).toEqual([
      "   12 |   - domain: example.com",
      "      |     ^^^^^^",
      "  hint: keep one",
      "  see also: config/b.yaml:3:5",
    ]);
  });

  test("tabs before the span are kept so the carets line up", () => {
    const d: Diagnostic = { ...base, excerpt: { lineText: "a:\t\tvalue", column: 5, length: 5 } };
    expect(formatDiagnostic(d).split("\n")[2]).toBe("      |   \t\t^^^^^");
  });

  test("a line number wider than the gutter widens it", () => {
    const d: Diagnostic = {
      ...base,
      position: { ...base.position, line: 123456 },
      excerpt: { lineText: "x: 1", column: 1, length: 1 },
    };
    expect(formatDiagnostic(d).split("\n").slice(1)).toEqual(["123456 | x: 1", "       | ^"]);
  });

  test("the output has no ANSI escape codes", () => {
    expect(formatted("conflict")).not.toMatch(/\u001b\[/);
  });
});

describe("formatDiagnostics", () => {
  const error: Diagnostic = {
    code: "INVALID_DOMAIN",
    severity: "error",
    message: "bad",
    position: { file: "a.yaml", line: 1, column: 1 },
  };
  const warning: Diagnostic = { ...error, code: "UNUSED_FIREWALL", severity: "warning" };

  test.each([
    [[], "0 errors, 0 warnings"],
    [[error], "1 error, 0 warnings"],
    [[error, error, warning], "2 errors, 1 warning"],
    [[warning, warning], "0 errors, 2 warnings"],
  ])("ends with a summary line (%#)", (ds, summary) => {
    const lines = formatDiagnostics(ds).split("\n");
    expect(lines[lines.length - 1]).toBe(summary);
  });

  test("diagnostics are separated by blank lines", () => {
    expect(formatDiagnostics([error, warning])).toBe(
      "a.yaml:1:1: error INVALID_DOMAIN: bad\n\na.yaml:1:1: warning UNUSED_FIREWALL: bad\n\n1 error, 1 warning",
    );
  });
});
