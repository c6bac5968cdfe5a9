import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { writeArtifactsAtomically } from "../../lib/io/write-atomic";
import { prepare } from "../../lib/pipeline";
import { readTree, tempDir } from "../support/run";
import { cli, DOMAINS_YAML, FIREWALLS_YAML } from "./helpers";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A config directory and its artifacts directory as synth leaves them. */
function synthesized(files: Record<string, string> = {}) {
  const root = tempDir();
  made.push(root);
  const config = path.join(root, "config");
  const out = path.join(root, "generated");
  write(config, { "firewalls.yaml": FIREWALLS_YAML, "domains.yaml": DOMAINS_YAML, ...files });
  synth(config, out);
  return { config, out };
}

function write(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
}

/** What synth writes to the artifacts directory (the Terraform half is not needed here). */
function synth(config: string, out: string) {
  const prepared = prepare(config, { outDir: out });
  if (!prepared.ok) throw new Error(`invalid: ${prepared.diagnostics.map((d) => d.message).join("; ")}`);
  writeArtifactsAtomically(out, prepared.artifacts);
}

describe("the stack lifecycle, as a user meets it on the command line", () => {
  test("GIVEN an account added to a target WHEN validated THEN exit 1 at the target's line, naming both stacks and the ways on", async () => {
    const { config, out } = synthesized();
    write(config, { "firewalls.yaml": FIREWALLS_YAML.replace("    region: us-east-1\n", '    region: us-east-1\n    account: "123456789012"\n') });
    const result = await cli(["validate", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${config}/firewalls.yaml:2:3: error STACK_MOVE: Firewall \`mail-use1\` would move from stack mailgate-us-east-1 to stack mailgate-123456789012-us-east-1.`,
    );
    expect(result.stderr).toContain("add `stack: mailgate-us-east-1` to the firewall");
  });

  test("GIVEN the account added with `stack:` keeping the old stack WHEN validated THEN valid", async () => {
    const { config, out } = synthesized();
    write(config, {
      "firewalls.yaml": FIREWALLS_YAML.replace("    region: us-east-1\n", '    region: us-east-1\n    account: "123456789012"\n    stack: mailgate-us-east-1\n'),
    });
    const result = await cli(["validate", "--config", config, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("GIVEN the last domain of a stack removed WHEN synthesized THEN the stack is kept empty, warned about, and retire forgets it", async () => {
    const { config, out } = synthesized();
    write(config, { "domains.yaml": DOMAINS_YAML.split("  - domain: corp.example.org")[0] });
    fs.writeFileSync(path.join(config, "firewalls.yaml"), FIREWALLS_YAML.split("  exchange-dmz:")[0]);
    const validated = await cli(["validate", "--config", config, "--out", out]);
    expect(validated.status).toBe(0);
    synth(config, out);
    const placements = JSON.parse(fs.readFileSync(path.join(out, "placements.json"), "utf8"));
    expect(placements.stacks["mailgate-eu-central-1"]).toEqual({ region: "eu-central-1", targets: [] });
    const again = await cli(["validate", "--config", config, "--out", out]);
    const line = fs.readFileSync(path.join(out, "placements.json"), "utf8").split("\n").indexOf('    "mailgate-eu-central-1": {') + 1;
    expect(again.stderr).toContain(`${out}/placements.json:${line}:5: warning EMPTY_STACK: Stack mailgate-eu-central-1 no longer has any firewall`);
    expect(readTree(out)["firewall-rules.md"]).toContain("Stack `mailgate-eu-central-1` is empty");

    const refused = await cli(["retire", "--config", config, "--out", out, "mailgate-us-east-1"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("stack mailgate-us-east-1 still has firewall mail-use1");
    const unknown = await cli(["retire", "--config", config, "--out", out, "mailgate-nowhere"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("has no stack mailgate-nowhere; its stacks: mailgate-eu-central-1, mailgate-us-east-1");

    const retired = await cli(["retire", "--config", config, "--out", out, "mailgate-eu-central-1"]);
    expect(retired.stderr).toBe("");
    expect(retired.status).toBe(0);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(out, "placements.json"), "utf8")).stacks)).toEqual(["mailgate-us-east-1"]);
    // The other artifacts now describe a stack that is gone: check says so until the next synth.
    expect((await cli(["check", "--config", config, "--out", out])).status).toBe(1);
    synth(config, out);
    expect((await cli(["check", "--config", config, "--out", out])).status).toBe(0);
  });

  test("GIVEN CI=true and no remote state WHEN validated THEN a warning says CI plans would start from empty state", async () => {
    const { config, out } = synthesized();
    const result = await cli(["validate", "--config", config, "--out", out], { env: { CI: "true" } });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("warning NO_REMOTE_STATE");
    write(config, { "terraform.yaml": "terraform:\n  backend:\n    s3: { bucket: my-state, region: us-east-1 }\n" });
    expect((await cli(["validate", "--config", config, "--out", out], { env: { CI: "true" } })).stderr).not.toContain("NO_REMOTE_STATE");
  });
});

describe("retire refuses a stack the placements file still places firewalls in", () => {
  test("GIVEN a stack's last firewall removed from the config but never synthesized WHEN retired THEN exit 1 with the way on, nothing written; after synth it retires", async () => {
    const { config, out } = synthesized();
    write(config, { "domains.yaml": DOMAINS_YAML.split("  - domain: corp.example.org")[0] });
    fs.writeFileSync(path.join(config, "firewalls.yaml"), FIREWALLS_YAML.split("  exchange-dmz:")[0]);
    const before = readTree(out);

    const refused = await cli(["retire", "--config", config, "--out", out, "mailgate-eu-central-1"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`mailgate: ${out}/placements.json still places firewall exchange-dmz in stack mailgate-eu-central-1: the last synth wrote`);
    expect(refused.stderr).toContain(
      "hint: synth so the emptied stack is written (npm run synth), apply it (npx cdktf deploy mailgate-eu-central-1), then retire it",
    );
    expect(readTree(out)).toEqual(before);

    synth(config, out);
    expect((await cli(["retire", "--config", config, "--out", out, "mailgate-eu-central-1"])).status).toBe(0);
  });
});

describe("placements.json belongs to one config directory", () => {
  /** `config/` and `generated/` synthesized, and another config (`example/`) beside them. */
  function withExample() {
    const { config, out } = synthesized();
    const example = path.join(path.dirname(config), "example");
    write(example, { "firewalls.yaml": FIREWALLS_YAML.replace("region: eu-central-1", "region: eu-west-1"), "domains.yaml": DOMAINS_YAML });
    return { config, out, example };
  }

  const configLine = (out: string) => fs.readFileSync(path.join(out, "placements.json"), "utf8").split("\n").indexOf('  "config": "../config",') + 1;

  test("GIVEN a synth WHEN placements.json is read THEN it names its config directory relative to itself, never an absolute path", () => {
    const { out } = synthesized();
    const text = fs.readFileSync(path.join(out, "placements.json"), "utf8");
    expect(text.split("\n").slice(2, 4)).toEqual(['  "schemaVersion": 1,', '  "config": "../config",']);
    expect(text).not.toContain(path.dirname(out));
  });

  test("GIVEN another config's placements in the artifacts directory WHEN validated THEN exit 1 at the config line, saying whose they are and the fix", async () => {
    const { config, out, example } = withExample();
    const result = await cli(["validate", "--config", example, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${out}/placements.json:${configLine(out)}:3: error PLACEMENTS_OTHER_CONFIG: ${out}/placements.json holds the placements of the config directory ${config}, not of ${example}.`,
    );
    expect(result.stderr).toContain(`hint: give ${example} its own artifacts directory (--out DIR or MAILGATE_OUT, and --terraform-out DIR for synth)`);
    // Not checked against the other config's stacks: no EMPTY_STACK for its eu-central-1.
    expect(result.stderr).not.toContain("EMPTY_STACK");
  });

  test("GIVEN another config's placements WHEN checked, diffed or synthesized THEN each refuses the same way and nothing is written", async () => {
    const { out, example } = withExample();
    const before = readTree(out);
    const check = await cli(["check", "--config", example, "--out", out]);
    expect(check.status).toBe(1);
    expect(check.stderr).toContain("error PLACEMENTS_OTHER_CONFIG");
    const diff = await cli(["diff", "--out", out, example, example]);
    expect(diff.status).toBe(1);
    expect(diff.stderr).toContain("error PLACEMENTS_OTHER_CONFIG");
    const synthesis = prepare(example, { outDir: out });
    expect(synthesis.ok).toBe(false);
    expect(synthesis.diagnostics.map((d) => d.code)).toEqual(["PLACEMENTS_OTHER_CONFIG"]);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN the config directory named another way (relative, trailing slash) WHEN validated THEN the same directory: valid", async () => {
    const { config, out } = synthesized();
    const root = path.dirname(config);
    const result = await cli(["validate", "--config", "config/", "--out", "./generated"], { cwd: root });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect((await cli(["check", "--config", config, "--out", `${out}/`])).status).toBe(0);
  });

  test("GIVEN the config directory renamed WHEN validated THEN refused; after changing the line as the hint says THEN valid", async () => {
    const { config, out } = synthesized();
    const renamed = path.join(path.dirname(config), "mail");
    fs.renameSync(config, renamed);
    const refused = await cli(["validate", "--config", renamed, "--out", out]);
    expect(refused.stderr).toContain('if the config directory was moved or renamed, change that line to "config": "../mail"');
    const file = path.join(out, "placements.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('"config": "../config"', '"config": "../mail"'));
    expect((await cli(["validate", "--config", renamed, "--out", out])).status).toBe(0);
  });

  test("GIVEN placements.json from before the field WHEN validated THEN accepted, and the next synth adds the field", async () => {
    const { config, out } = synthesized();
    const file = path.join(out, "placements.json");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('  "config": "../config",\n', ""));
    expect(fs.readFileSync(file, "utf8")).not.toContain('"config"');
    expect((await cli(["validate", "--config", config, "--out", out])).status).toBe(0);
    synth(config, out);
    expect(fs.readFileSync(file, "utf8")).toContain('  "config": "../config",\n');
  });

  test("GIVEN config/ and generated/ committed WHEN diffed against git:HEAD THEN the copies at the ref are matched by the names, not the temporary paths", async () => {
    const { config } = synthesized();
    const repo = path.dirname(config);
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, stdio: "pipe" });
    git("init", "-q", "-b", "main");
    git("add", "config", "generated");
    git("commit", "-q", "-m", "config and its artifacts");
    const result = await cli(["diff", "--out", "generated", "git:HEAD", "config"], { cwd: repo, env: {} });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("No changes.");
  });
});
