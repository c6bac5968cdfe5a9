import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { writeArtifactsAtomically } from "../../lib/io/write-atomic";
import { prepare } from "../../lib/pipeline";
import { PROJECT_ROOT, readTree, runTs, tempDir, writeTree } from "../support/run";
import { cli, configDir, NEW_DOMAIN_YAML } from "./helpers";

const FILES = ["firewall-needs.csv", "firewall-rules.csv", "firewall-rules.json", "firewall-rules.md", "placements.json", "prefill-settings.json", "prefill-settings.md"];

/** A config directory and an artifacts directory freshly written from it. */
function freshPair() {
  const config = configDir();
  const out = path.join(tempDir(), "generated");
  // As synth does: the artifacts directory is read for what the last synth wrote.
  const prepared = prepare(config, { outDir: out });
  if (!prepared.ok) throw new Error("fixture config is invalid");
  writeArtifactsAtomically(out, prepared.artifacts);
  return { config, out };
}

describe("mailgate check", () => {
  test("GIVEN artifacts written from the config WHEN checked THEN exit 0 and nothing written", async () => {
    const { config, out } = freshPair();
    const before = readTree(out);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain(`${out}: up to date (7 files match`);
    expect(result.status).toBe(0);
    expect(Object.keys(before)).toEqual(FILES);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a first synth of a config with a Network Firewall rule group WHEN checked, then synthesized again THEN fresh, and the second synth writes the same bytes", async () => {
    // The rule group's capacity is remembered in placements.json; reading it back must not change the report.
    const root = tempDir();
    const out = path.join(root, "generated");
    const synth = () => runTs("main.ts", ["--config", path.join(PROJECT_ROOT, "examples", "advanced"), "--out", out, "--terraform-out", path.join(root, "cdktf.out")]);
    expect(synth().status).toBe(0);
    const first = readTree(out);
    expect(first["firewall-rules.md"]).toMatch(/capacity \d+ \(computed\) for \d+ rules/);
    const checked = await cli(["check", "--config", path.join(PROJECT_ROOT, "examples", "advanced"), "--out", out]);
    expect(checked.stdout + checked.stderr).toContain("up to date");
    expect(checked.status).toBe(0);
    expect(synth().status).toBe(0);
    expect(readTree(out)).toEqual(first);
  });

  test("GIVEN MAILGATE_CONFIG and MAILGATE_OUT WHEN checked without flags THEN the environment is honoured", async () => {
    const { config, out } = freshPair();
    expect((await cli(["check"], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: out } })).status).toBe(0);
    expect((await cli(["check"], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: tempDir() } })).status).toBe(1);
  });

  // placements.json and prefill-settings.json are read, not only compared: a damaged one is
  // refused (see below, and prefill-removed.test.ts).
  test.each(FILES.filter((f) => f !== "placements.json" && f !== "prefill-settings.json"))("GIVEN one byte changed in %s WHEN checked THEN exit 1 naming that file only, with the hint", async (file) => {
    const { config, out } = freshPair();
    const target = path.join(out, file);
    const bytes = fs.readFileSync(target);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    fs.writeFileSync(target, bytes);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  stale:   ${out}/${file}\n`);
    expect(result.stderr.match(/stale:|missing:/g)).toHaveLength(1);
    expect(result.stderr).toContain(`hint: run npm run synth and commit ${out}/`);
    expect(result.stdout).toBe("");
  });

  test("GIVEN prefill-settings.json edited by hand but well-formed WHEN checked THEN exit 1 naming it stale", async () => {
    const { config, out } = freshPair();
    const file = path.join(out, "prefill-settings.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"port": 993', '"port": 143'));
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  stale:   ${out}/prefill-settings.json\n`);
    expect(result.stderr.match(/stale:|missing:|extra:/g)).toHaveLength(1);
  });

  test("GIVEN a damaged placements.json WHEN checked THEN exit 1 at the file, saying to restore it, and nothing written", async () => {
    const { config, out } = freshPair();
    fs.writeFileSync(path.join(out, "placements.json"), '{"schemaVersion": 1, "stacks": [}');
    const before = readTree(out);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${out}/placements.json:1:1: error PLACEMENTS_UNREADABLE: ${out}/placements.json cannot be read: not JSON`);
    expect(result.stderr).toContain(`hint: restore it from git (git checkout -- ${out}/placements.json)`);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a file missing and the config changed WHEN checked THEN exit 1 listing missing and stale files", async () => {
    const { config, out } = freshPair();
    fs.rmSync(path.join(out, "firewall-rules.csv"));
    fs.writeFileSync(path.join(config, "domains", "new.yaml"), NEW_DOMAIN_YAML);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  missing: ${out}/firewall-rules.csv`);
    for (const stale of ["firewall-rules.json", "firewall-rules.md", "prefill-settings.json", "prefill-settings.md"]) {
      expect(result.stderr).toContain(`  stale:   ${out}/${stale}`);
    }
  });

  test("GIVEN no artifacts directory WHEN checked THEN every file is missing", async () => {
    const result = await cli(["check", "--config", configDir(), "--out", path.join(tempDir(), "nope")]);
    expect(result.status).toBe(1);
    expect(result.stderr.match(/missing:/g)).toHaveLength(FILES.length);
  });

  test("GIVEN extra files of the team's own in the artifacts directory WHEN checked THEN they are ignored", async () => {
    const { config, out } = freshPair();
    fs.writeFileSync(path.join(out, "README.md"), "ours");
    fs.mkdirSync(path.join(out, "notes"));
    expect((await cli(["check", "--config", config, "--out", out])).status).toBe(0);
  });

  test("GIVEN an invalid config WHEN checked THEN exit 1 with the diagnostics and no staleness listing", async () => {
    const config = configDir({ "domains/bad.yaml": "domains:\n  - domain: example.com\n    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }\n" });
    const result = await cli(["check", "--config", config, "--out", tempDir()]);
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
  ])("usage error for %j: exit 2 saying %s", async (args, message) => {
    const result = await cli(args);
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

describe("mailgate check: firewalls/ is mailgate's own directory", () => {
  test("GIVEN a file in firewalls/ that the config does not produce WHEN checked THEN exit 1 naming it as extra, with the synth hint", async () => {
    const { config, out } = freshPair();
    writeTree({ "firewalls/old-imap.txt": "203.0.113.0/24\n" }, out);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  extra:   ${out}/firewalls/old-imap.txt\n`);
    expect(result.stderr.match(/stale:|missing:|extra:/g)).toHaveLength(1);
    expect(result.stderr).toContain(`hint: run npm run synth and commit ${out}/`);
  });

  test("GIVEN a directory inside firewalls/ WHEN checked THEN exit 1 naming it, saying synth leaves it and to remove it by hand", async () => {
    const { config, out } = freshPair();
    writeTree({ "firewalls/archive/old.nft": "table inet filter {}\n" }, out);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`  extra:   ${out}/firewalls/archive (a directory: synth does not delete it)\n`);
    expect(result.stderr).toContain(`hint: remove ${out}/firewalls/archive yourself: ${out}/firewalls/ holds only what mailgate writes`);
  });
});

describe("synth after removing on-premises targets (separate processes)", () => {
  test("GIVEN an on-premises config synthesized WHEN a target is left unused and a list is no longer needed THEN check names their files as extra, and the next synth removes them", async () => {
    const config = writeTree(readTree(path.join(PROJECT_ROOT, "examples", "onprem")));
    const work = tempDir();
    const out = path.join(work, "generated");
    const env = { MAILGATE_CONFIG: config, MAILGATE_OUT: out, CDKTF_OUTDIR: path.join(work, "cdktf.out") };
    expect(runTs("main.ts", [], { env }).status).toBe(0);
    expect(fs.readdirSync(path.join(out, "firewalls")).sort()).toEqual(["exchange-win.ps1", "mail-linux.nft", "perimeter-imap-smtp.txt", "perimeter-imap.txt", "perimeter-smtp.txt"]);

    // exchange-win stays defined but no domain uses it; the perimeter now serves only Exchange (imap-smtp).
    const domains = fs.readFileSync(path.join(config, "domains.yaml"), "utf8");
    fs.writeFileSync(
      path.join(config, "domains.yaml"),
      domains.replace("firewalls: [mail-linux, perimeter]", "firewalls: [mail-linux]").replace("firewalls: [exchange-win, perimeter]", "firewalls: [perimeter]"),
    );
    const stale = await cli(["check", "--config", config, "--out", out]);
    expect(stale.status).toBe(1);
    for (const gone of ["exchange-win.ps1", "perimeter-imap.txt", "perimeter-smtp.txt"]) expect(stale.stderr).toContain(`  extra:   ${out}/firewalls/${gone}\n`);

    const again = runTs("main.ts", [], { env });
    expect(again.status).toBe(0);
    expect(fs.readdirSync(path.join(out, "firewalls")).sort()).toEqual(["mail-linux.nft", "perimeter-imap-smtp.txt"]);
    expect(again.stdout).toContain("removed firewalls/exchange-win.ps1, firewalls/perimeter-imap.txt, firewalls/perimeter-smtp.txt (no longer produced)");
    expect((await cli(["check", "--config", config, "--out", out])).status).toBe(0);
  }, 60_000);
});
