import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT, readTree, runTs, tempDir, writeTree } from "../support/run";
import { CDKTF, cdktfCliCannotRun } from "../support/cdktf-cli";

/** Runs the cdktf app as `cdktf synth` does: CDKTF_OUTDIR for Terraform, MAILGATE_* for the rest. */
function synth(configDir: string, work = tempDir()) {
  const tfOut = path.join(work, "cdktf.out");
  const artifacts = path.join(work, "generated");
  const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: configDir, MAILGATE_OUT: artifacts, CDKTF_OUTDIR: tfOut } });
  return { ...result, tfOut, artifacts, work };
}

/** The shipped example config, split, reordered and re-keyed: same meaning, other bytes. */
const SHUFFLED_EXAMPLE = {
  "z-last.yml": `
firewalls:
  exchange-dmz: { securityGroupId: sg-0a1b2c3d4e5f67890, region: eu-central-1, type: aws-security-group }
domains:
  - firewalls: [exchange-dmz]
    exchange: { url: "https://mail.corp.example.org/EWS/Exchange.asmx" }
    domain: Corp.Example.Org.
`,
  "a/first.yaml": `
domains:
  - domain: example.io
    imap:
      outgoing: { port: 587, host: smtp.mailhost.example }
      incoming: { port: 993, host: imap.mailhost.example }
  - firewalls: [mail-use1]
    domain: example.net
    imap:
      allowNonSecureCertificate: false
      outgoing: { host: mail.example.net, port: 465 }
      incoming: { host: mail.example.net, port: 993 }
firewalls:
  mail-use1: { name: hubspot-mail-ingress, vpcId: vpc-0a1b2c3d4e5f67890, region: us-east-1, type: aws-security-group }
`,
  "m/example-com.yaml": `
domains:
  - imap:
      outgoing: { host: SMTP.example.com, port: 587 }
      incoming: { host: imap.example.com, port: 993 }
    domain: EXAMPLE.com
    firewalls: [mail-use1]
`,
};

describe("main.ts (the cdktf app) end to end", () => {
  const shipped = synth(path.join(PROJECT_ROOT, "config"));

  test("GIVEN the shipped example WHEN synthesized THEN one stack per region and both prefill artifacts", () => {
    expect(shipped.stderr).toBe("");
    expect(shipped.status).toBe(0);
    const tf = readTree(shipped.tfOut);
    expect(Object.keys(tf).filter((f) => f.endsWith("cdk.tf.json"))).toEqual([
      "stacks/mailgate-eu-central-1/cdk.tf.json",
      "stacks/mailgate-us-east-1/cdk.tf.json",
    ]);
    const prefill = JSON.parse(fs.readFileSync(path.join(shipped.artifacts, "prefill-settings.json"), "utf8"));
    expect(prefill.domains.map((d: { domain: string; kind: string }) => `${d.domain}:${d.kind}`)).toEqual([
      "corp.example.org:exchange",
      "example.com:imap",
      "example.io:imap",
      "example.net:imap",
    ]);
    const useast = JSON.parse(tf["stacks/mailgate-us-east-1/cdk.tf.json"]);
    const ports = Object.values<{ from_port: number }>(useast.resource.aws_vpc_security_group_ingress_rule).map((r) => r.from_port);
    expect(ports.filter((p) => p === 993)).toHaveLength(6);
    expect(ports.filter((p) => p === 587)).toHaveLength(6);
    expect(ports.filter((p) => p === 465)).toHaveLength(6);
    expect(ports).toHaveLength(18);
  });

  test("no output contains an absolute path, a timestamp-like value, or this machine's temp dir", () => {
    const everything = { ...readTree(shipped.tfOut), ...readTree(shipped.artifacts) };
    // placements.json names its config directory relative to the artifacts directory: here the
    // artifacts are in a temporary directory and the config in the project, so that relative
    // path climbs through the project's own (it reads "../config" in a repository's layout).
    const config = /\n  "config": "([^"]*)",/.exec(everything["placements.json"] ?? "")?.[1] ?? "";
    expect(config.startsWith("../")).toBe(true);
    everything["placements.json"] = (everything["placements.json"] ?? "").replace(`"config": "${config}"`, "");
    for (const [file, text] of Object.entries(everything)) {
      expect(text, file).not.toContain(shipped.work);
      expect(text, file).not.toContain(PROJECT_ROOT);
      expect(text, file).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });

  test("GIVEN the same config split, reordered and differently cased WHEN synthesized THEN every output is byte-identical", () => {
    const shuffled = synth(writeTree(SHUFFLED_EXAMPLE));
    expect(shuffled.status).toBe(0);
    // placements.json names its own config directory (relative to the artifacts): the one line
    // that must differ between two directories, and the only one.
    const withoutConfigLine = (tree: Record<string, string>) =>
      Object.fromEntries(Object.entries(tree).map(([f, text]) => [f, f === "placements.json" ? text.replace(/\n  "config": "[^"]*",/, "") : text]));
    expect(readTree(shuffled.artifacts)["placements.json"]).toMatch(/\n  "config": "\.\.\/[^"]*",/);
    expect(withoutConfigLine(readTree(shuffled.artifacts))).toEqual(withoutConfigLine(readTree(shipped.artifacts)));
    const stacks = (dir: string) => Object.fromEntries(Object.entries(readTree(dir)).filter(([f]) => f.startsWith("stacks/")));
    expect(stacks(shuffled.tfOut)).toEqual(stacks(shipped.tfOut));
  });

  test("GIVEN an invalid config after a good run WHEN synthesized again THEN exit 1, located errors, no stack trace, nothing changed", () => {
    const work = tempDir();
    const good = synth(path.join(PROJECT_ROOT, "config"), work);
    expect(good.status).toBe(0);
    const before = { tf: readTree(good.tfOut), artifacts: readTree(good.artifacts) };

    const bad = writeTree({
      "a.yaml": "domains:\n  - domain: example.com\n    imap:\n      incoming: { host: imap.example.com, port: 993 }\n      outgoing: { host: smtp.example.com, port: 587 }\n",
      "b.yaml": "domains:\n  - domain: example.com\n    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }\n",
    });
    const result = synth(bad, work);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/b\.yaml:3:5: error IMAP_EXCHANGE_CONFLICT: .*a\.yaml:3:5/);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect({ tf: readTree(result.tfOut), artifacts: readTree(result.artifacts) }).toEqual(before);
  });
});

describe("npm run synth's command line", () => {
  test("GIVEN --config, --out and --terraform-out WHEN synthesized THEN exactly those directories are written", () => {
    const work = tempDir();
    const result = runTs("main.ts", ["--config", path.join(PROJECT_ROOT, "examples", "advanced"), "--out", path.join(work, "art"), "--terraform-out", path.join(work, "tf")], {
      env: { MAILGATE_CONFIG: "", MAILGATE_OUT: "", CDKTF_OUTDIR: "" },
    });
    expect([result.status, result.stderr]).toEqual([0, ""]);
    expect(Object.keys(readTree(path.join(work, "tf"))).filter((f) => f.endsWith("cdk.tf.json"))).toEqual([
      "stacks/mailgate-eu-west-1/cdk.tf.json",
      "stacks/mailgate-us-east-1/cdk.tf.json",
    ]);
    expect(readTree(path.join(work, "art"))["placements.json"]).toContain('"mail-split"');
    fs.rmSync(work, { recursive: true, force: true });
  });

  test.each([
    [["--bogus"], "mailgate: Unknown option '--bogus'; see npm run synth -- --help"],
    [["--config"], "mailgate: Option '--config <value>' argument missing; see npm run synth -- --help"],
  ])("GIVEN %j WHEN synthesized THEN exit 2 with one line and the help hint", (args, line) => {
    const result = runTs("main.ts", args);
    expect([result.status, result.stderr.trim()]).toEqual([2, line]);
  });

  test("GIVEN a relative MAILGATE_CONFIG under npm run from a subdirectory THEN it is read from that subdirectory", () => {
    const work = tempDir();
    const sub = path.join(work, "team");
    fs.mkdirSync(sub);
    fs.cpSync(path.join(PROJECT_ROOT, "config"), path.join(sub, "cfg"), { recursive: true });
    fs.writeFileSync(path.join(sub, "cfg", "firewalls.yaml"), "firewalls: [oops]\n");
    // npm runs scripts in the project root (here named by --prefix, as if the user stood in a
    // directory of the project) and says where the user was in INIT_CWD.
    const result = spawnSync("npm", ["--prefix", PROJECT_ROOT, "run", "--silent", "validate"], {
      cwd: sub,
      env: { ...process.env, MAILGATE_CONFIG: "cfg", INIT_CWD: undefined, npm_package_json: undefined, CI: "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    fs.rmSync(work, { recursive: true, force: true });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("cfg/firewalls.yaml:1:");
  });
});

describe("npm run synth without --terraform-out: cdktf.out/ and the summary", () => {
  const EXAMPLE = path.join(PROJECT_ROOT, "config");
  /** `npm run synth -- --config <example> --out gen` run from `work`: Terraform goes to work/cdktf.out. */
  const synthIn = (work: string, args: string[] = ["--config", EXAMPLE, "--out", "gen"]) =>
    runTs("main.ts", args, { cwd: work, env: { MAILGATE_CONFIG: "", MAILGATE_OUT: "", CDKTF_OUTDIR: "" } });

  test("GIVEN a stack folder not in the new manifest WHEN synthesized THEN it is removed with its .terraform, while a remaining stack keeps its .terraform", () => {
    const work = tempDir();
    writeTree(
      {
        "cdktf.out/stacks/mailgate-eu-west-1/cdk.tf.json": '{"earlier": true}\n',
        "cdktf.out/stacks/mailgate-eu-west-1/.terraform/providers/lock": "provider\n",
        "cdktf.out/stacks/mailgate-us-east-1/.terraform/terraform.tfstate": "{}\n",
        "cdktf.out/stacks/mailgate-us-east-1/.terraform.lock.hcl": "# lock\n",
      },
      work,
    );
    const result = synthIn(work);
    expect([result.status, result.stderr]).toEqual([0, ""]);
    expect(fs.readdirSync(path.join(work, "cdktf.out", "stacks")).sort()).toEqual(["mailgate-eu-central-1", "mailgate-us-east-1"]);
    const tf = readTree(path.join(work, "cdktf.out"));
    expect(tf["stacks/mailgate-us-east-1/.terraform/terraform.tfstate"]).toBe("{}\n");
    expect(tf["stacks/mailgate-us-east-1/.terraform.lock.hcl"]).toBe("# lock\n");
    expect(fs.readdirSync(work).sort()).toEqual(["cdktf.out", "gen"]);
  });

  test("GIVEN a successful synth THEN stdout has one line per stack with its resource count and one for the artifacts directory, paths as the user gave them", () => {
    const work = tempDir();
    const result = synthIn(work, ["--config", EXAMPLE, "--out", "./gen/", "--terraform-out", "tf"]);
    expect([result.status, result.stderr]).toEqual([0, ""]);
    // Counted independently: every resource of every type in each stack's cdk.tf.json.
    const resources = (stack: string) => {
      const json = JSON.parse(fs.readFileSync(path.join(work, "tf", "stacks", stack, "cdk.tf.json"), "utf8")) as { resource: Record<string, object> };
      return Object.values(json.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    };
    expect([resources("mailgate-eu-central-1"), resources("mailgate-us-east-1")]).toEqual([6, 19]);
    expect(result.stdout).toBe(
      [
        "tf/stacks/mailgate-eu-central-1: 6 resources",
        "tf/stacks/mailgate-us-east-1: 19 resources",
        `gen: ${fs.readdirSync(path.join(work, "gen")).length} files`,
        "",
      ].join("\n"),
    );
    expect(result.stdout).not.toContain(work);
  });
});

describe("npm run synth against cdktf synth", () => {
  const npmSynth = (args: string[], env: Record<string, string> = {}) =>
    spawnSync("npm", ["run", "--silent", "synth", "--", ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", CI: "", MAILGATE_CONFIG: "", MAILGATE_OUT: "", CDKTF_OUTDIR: "", ...env },
      encoding: "utf8",
      timeout: 120_000,
    });

  test("GIVEN the shipped example THEN npm run synth writes exactly the bytes cdktf synth writes, and only npm run synth prints the summary", (ctx) => {
    const cannotRun = cdktfCliCannotRun();
    ctx.skip(cannotRun !== undefined, cannotRun);
    const work = tempDir();
    const viaCdktf = spawnSync(CDKTF, ["synth", "--output", path.join(work, "cdktf")], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", CI: "", MAILGATE_OUT: path.join(work, "generated-cdktf") },
      encoding: "utf8",
      timeout: 180_000,
    });
    expect(viaCdktf.status, viaCdktf.stderr).toBe(0);
    const viaNpm = npmSynth(["--out", path.join(work, "generated-npm"), "--terraform-out", path.join(work, "npm")]);
    expect([viaNpm.status, viaNpm.stderr]).toEqual([0, ""]);
    expect(viaNpm.stdout).toContain(`${path.join(work, "npm")}/stacks/mailgate-us-east-1: 19 resources\n`);
    // cdktf shows the app's stdout and lists the stacks itself: the summary would repeat it.
    expect(viaCdktf.stdout).not.toContain("19 resources");
    expect(viaCdktf.stdout).toContain("Generated Terraform code for the stacks");
    const ours = readTree(path.join(work, "npm"));
    expect(Object.keys(ours)).toContain("manifest.json");
    expect(ours).toEqual(readTree(path.join(work, "cdktf")));
    expect(readTree(path.join(work, "generated-npm"))).toEqual(readTree(path.join(work, "generated-cdktf")));
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("GIVEN a file where the artifacts directory should be THEN exit 73 (not cdktf's 1), one line, nothing written", () => {
    const work = tempDir();
    fs.writeFileSync(path.join(work, "generated"), "not a directory\n");
    const result = npmSynth(["--out", path.join(work, "generated"), "--terraform-out", path.join(work, "tf")]);
    expect(result.status).toBe(73);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(fs.existsSync(path.join(work, "tf"))).toBe(false);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test("GIVEN a config with a warning THEN it is printed once, as a warning", () => {
    const work = tempDir();
    const config = writeTree({ "firewalls.yaml": "firewalls:\n  spare:\n    type: aws-security-group\n    region: us-east-1\n    securityGroupId: sg-0a1b2c3d4e5f67890\n" }, path.join(work, "config"));
    const result = npmSynth(["--config", config, "--out", path.join(work, "generated"), "--terraform-out", path.join(work, "tf")]);
    expect(result.status).toBe(0);
    expect(result.stderr.match(/warning UNUSED_FIREWALL/g)).toHaveLength(1);
    expect(result.stderr).not.toContain("[ERROR]");
    fs.rmSync(work, { recursive: true, force: true });
  });
});
