import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { writeArtifactsAtomically } from "../../lib/io/write-atomic";
import { prepare } from "../../lib/pipeline";
import { readTree, runTs, tempDir } from "../support/run";
import { cli, configDir, NEW_DOMAIN_YAML } from "./helpers";

const FILES = ["firewall-needs.csv", "firewall-rules.csv", "firewall-rules.json", "firewall-rules.md", "placements.json", "prefill-settings.json", "prefill-settings.md"];

/** A config directory and an artifacts directory freshly written from it. */
function freshPair() {
  const config = configDir();
  const out = path.join(tempDir(), "generated");
  const prepared = prepare(config);
  if (!prepared.ok) throw new Error("fixture config is invalid");
  writeArtifactsAtomically(out, prepared.artifacts);
  return { config, out };
}

describe("mailgate check", () => {
  test("GIVEN artifacts written from the config WHEN checked THEN exit 0 and nothing written", () => {
    const { config, out } = freshPair();
    const before = readTree(out);
    const result = cli(["check", "--config", config, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`${out}: up to date (7 files match`);
    expect(result.status).toBe(0);
    expect(Object.keys(before)).toEqual(FILES);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN MAILGATE_CONFIG and MAILGATE_OUT WHEN checked without flags THEN the environment is honoured", () => {
    const { config, out } = freshPair();
    expect(cli(["check"], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: out } }).status).toBe(0);
    expect(cli(["check"], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: tempDir() } }).status).toBe(1);
  });

  // placements.json is read, not only compared: a damaged one is refused (see below).
  test.each(FILES.filter((f) => f !== "placements.json"))("GIVEN one byte changed in %s WHEN checked THEN exit 1 naming that file only, with the hint", (file) => {
    const { config, out } = freshPair();
    const target = path.join(out, file);
    const bytes = fs.readFileSync(target);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(target, bytes);
    const result = cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  stale:   ${out}/${file}\n`);
    expect(result.stderr.match(/stale:|missing:/g)).toHaveLength(1);
    expect(result.stderr).toContain(`hint: run npm run synth and commit ${out}/`);
    expect(result.stdout).toBe("");
  });

  test("GIVEN a damaged placements.json WHEN checked THEN exit 1 at the file, saying to restore it, and nothing written", () => {
    const { config, out } = freshPair();
    fs.writeFileSync(path.join(out, "placements.json"), '{"schemaVersion": 1, "stacks": [}');
    const before = readTree(out);
    const result = cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${out}/placements.json:1:1: error PLACEMENTS_UNREADABLE: ${out}/placements.json cannot be read: not JSON`);
    expect(result.stderr).toContain(`hint: restore it from git (git checkout -- ${out}/placements.json)`);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a file missing and the config changed WHEN checked THEN exit 1 listing missing and stale files", () => {
    const { config, out } = freshPair();
    fs.rmSync(path.join(out, "firewall-rules.csv"));
    fs.writeFileSync(path.join(config, "domains", "new.yaml"), NEW_DOMAIN_YAML);
    const result = cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  missing: ${out}/firewall-rules.csv`);
    for (const stale of ["firewall-rules.json", "firewall-rules.md", "prefill-settings.json", "prefill-settings.md"]) {
      expect(result.stderr).toContain(`  stale:   ${out}/${stale}`);
    }
  });

  test("GIVEN no artifacts directory WHEN checked THEN every file is missing", () => {
    const result = cli(["check", "--config", configDir(), "--out", path.join(tempDir(), "nope")]);
    expect(result.status).toBe(1);
    expect(result.stderr.match(/missing:/g)).toHaveLength(FILES.length);
  });

  test("GIVEN extra files of the team's own in the artifacts directory WHEN checked THEN they are ignored", () => {
    const { config, out } = freshPair();
    fs.writeFileSync(path.join(out, "README.md"), "ours");
    fs.mkdirSync(path.join(out, "notes"));
    expect(cli(["check", "--config", config, "--out", out]).status).toBe(0);
  });

  test("GIVEN an invalid config WHEN checked THEN exit 1 with the diagnostics and no staleness listing", () => {
    const config = configDir({ "domains/bad.yaml": "domains:\n  - domain: example.com\n    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }\n" });
    const result = cli(["check", "--config", config, "--out", tempDir()]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/error (IMAP_EXCHANGE_CONFLICT|DUPLICATE_DOMAIN)/);
    expect(result.stderr).not.toContain("missing:");
  });

  test.each([
    [["check", "extra"], 'unexpected argument "extra"'],
    [["validate", "--max-chars", "900"], "validate does not take --max-chars"],
    [["retire"], "retire needs <stack>"],
    [["diff", "--config", "x", "a", "b"], "diff does not take --config"],
    [["diff", "a"], "diff needs <head>"],
    [["nope"], 'unknown command "nope"'],
  ])("usage error for %j: exit 2 saying %s", (args, message) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`mailgate: ${message}`);
  });
});

describe("synth then check, end to end (separate processes, as CI runs them)", () => {
  test("GIVEN main.ts wrote generated/ WHEN npm run check's command runs THEN fresh; after a config change THEN stale", () => {
    const config = configDir();
    const work = tempDir();
    const env = { MAILGATE_CONFIG: config, MAILGATE_OUT: path.join(work, "generated"), CDKTF_OUTDIR: path.join(work, "cdktf.out") };
    const synth = runTs("main.ts", [], { env });
    expect(synth.stderr).toBe("");
    expect(synth.status).toBe(0);

    // Every report row is a resource in cdk.tf.json with the same CIDR and port, and vice versa.
    const report = JSON.parse(fs.readFileSync(path.join(work, "generated", "firewall-rules.json"), "utf8")) as {
      rules: { terraformAddress: string; cidr: string; fromPort: number; region: string }[];
    };
    const resources = new Map<string, { cidr: string; port: number; region: string }>();
    for (const [file, text] of Object.entries(readTree(path.join(work, "cdktf.out")))) {
      if (!file.endsWith("cdk.tf.json")) continue;
      const tf = JSON.parse(text);
      for (const [name, r] of Object.entries<{ cidr_ipv4?: string; cidr_ipv6?: string; from_port: number }>(tf.resource.aws_vpc_security_group_ingress_rule ?? {})) {
        resources.set(`aws_vpc_security_group_ingress_rule.${name}`, { cidr: (r.cidr_ipv4 ?? r.cidr_ipv6)!, port: r.from_port, region: tf.provider.aws[0].region });
      }
    }
    expect(Object.fromEntries(report.rules.map((r) => [r.terraformAddress, { cidr: r.cidr, port: r.fromPort, region: r.region }]))).toEqual(
      Object.fromEntries(resources),
    );
    expect(report.rules).toHaveLength(resources.size);
    expect(resources.size).toBe(18);

    const fresh = runTs("lib/cli.ts", ["check"], { env });
    expect([fresh.status, fresh.stderr]).toEqual([0, ""]);
    fs.writeFileSync(path.join(config, "domains", "new.yaml"), NEW_DOMAIN_YAML);
    const stale = runTs("lib/cli.ts", ["check"], { env });
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("stale:   ");
    expect(stale.stderr).toContain("firewall-rules.json");
  });
});
