import { describe, expect, test } from "vitest";
import { writeTree } from "../support/run";
import { cli, configDir } from "./helpers";

/** The same domain with IMAP in one file and Exchange in another, plus an unknown key. */
function conflictingConfig(): string {
  return writeTree({
    "a.yaml": "domains:\n  - domain: example.com\n    imap:\n      incoming: { host: imap.example.com, port: 993 }\n      outgoing: { host: smtp.example.com, port: 587 }\n",
    "b.yaml": "domains:\n  - domain: example.com\n    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }\n    firewals: []\n",
  });
}

describe("mailgate validate", () => {
  test("GIVEN a valid config WHEN validated THEN exit 0 and a one-line verdict", async () => {
    const dir = configDir();
    const result = await cli(["validate", "--config", dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${dir}: valid\n`);
    expect(result.stderr).toBe("");
  });

  test("MAILGATE_CONFIG is honoured when --config is absent", async () => {
    const dir = conflictingConfig();
    expect((await cli(["validate"], { env: { MAILGATE_CONFIG: dir } })).status).toBe(1);
    expect((await cli(["validate"], { env: { MAILGATE_CONFIG: configDir() } })).status).toBe(0);
  });

  test("GIVEN a conflicting config WHEN validated as text THEN exit 1 and every problem on stderr at file:line:col", async () => {
    const dir = conflictingConfig();
    const result = await cli(["validate", "--config", dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const firstLines = result.stderr.split("\n").filter((line) => /^\S+:\d+:\d+: /.test(line));
    expect(firstLines.map((line) => line.replace(dir, "<dir>").split(": ").slice(0, 2).join(": "))).toEqual([
      "<dir>/b.yaml:3:5: error IMAP_EXCHANGE_CONFLICT",
      "<dir>/b.yaml:4:5: error UNKNOWN_KEY",
    ]);
  });

  test("--format json prints one parseable document with the contract keys, and nothing else on stdout", async () => {
    const dir = conflictingConfig();
    const result = await cli(["validate", "--config", dir, "--format", "json"]);
    expect(result.status).toBe(1);
    const parsed = JSON.parse(result.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(parsed.diagnostics.map(({ file, line, column, code, severity }) => ({ file, line, column, code, severity }))).toEqual([
      { file: `${dir}/b.yaml`, line: 3, column: 5, code: "IMAP_EXCHANGE_CONFLICT", severity: "error" },
      { file: `${dir}/b.yaml`, line: 4, column: 5, code: "UNKNOWN_KEY", severity: "error" },
    ]);
    expect(parsed.diagnostics[0].message).toMatch(/a\.yaml:3:5/);
    expect(parsed.diagnostics[0].related).toEqual([{ file: `${dir}/a.yaml`, line: 3, column: 5 }]);
    expect(parsed.diagnostics[1].hint).toMatch(/firewalls/);
  });

  test("--format json on a valid config prints an empty list and exits 0", async () => {
    const result = await cli(["validate", "--config", configDir(), "--format", "json"]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ diagnostics: [] });
  });

  test("--format github prints one escaped workflow command per problem", async () => {
    const dir = conflictingConfig();
    const result = await cli(["validate", "--config", dir, "--format", "github"]);
    expect(result.status).toBe(1);
    const commands = result.stdout.trimEnd().split("\n");
    expect(commands).toHaveLength(3);
    const escaped = dir.replace(/[/.]/g, "\\$&");
    expect(commands[0]).toMatch(new RegExp(`^::error file=${escaped}/b\\.yaml,line=3,col=5,title=mailgate IMAP_EXCHANGE_CONFLICT::Domain example\\.com`));
    // The other side of the conflict, in a file the pull request may not touch, gets its own annotation.
    expect(commands[1]).toMatch(
      new RegExp(`^::error file=${escaped}/a\\.yaml,line=3,col=5,title=mailgate IMAP_EXCHANGE_CONFLICT::Domain example\\.com.*\\(reported at ${escaped}/b\\.yaml:3:5; this is the other place involved\\)$`),
    );
    // The hint is on a second line, encoded so it cannot end or inject a command.
    expect(commands[2]).toMatch(/::Unknown key `firewals`.*%0Ahint: did you mean `firewalls`\?$/);
    expect(result.stderr).toContain("error IMAP_EXCHANGE_CONFLICT");
  });

  test("--format github escapes newlines, percent signs and property separators", async () => {
    const { formatDiagnosticsGithub } = await import("../../lib/config/format");
    const out = formatDiagnosticsGithub([
      { code: "YAML_SYNTAX", severity: "warning", message: "100% bad\n::error::injected", position: { file: "c,d:e.yaml", line: 1, column: 2 } },
    ]);
    expect(out).toBe("::warning file=c%2Cd%3Ae.yaml,line=1,col=2,title=mailgate YAML_SYNTAX::100%25 bad%0A::error::injected\n");
  });

  test.each([
    [["validate", "--format", "xml"], 'unknown format "xml"'],
    [["check", "--format", "json"], "check does not take --format"],
  ])("usage errors exit 2: %j", async (args, message) => {
    const result = await cli(args, { env: { MAILGATE_CONFIG: configDir() } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
