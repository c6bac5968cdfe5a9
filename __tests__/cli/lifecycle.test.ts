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
  test("GIVEN an account added to a target WHEN validated THEN exit 1 at the target's line, naming both stacks and the ways on", () => {
    const { config, out } = synthesized();
    write(config, { "firewalls.yaml": FIREWALLS_YAML.replace("    region: us-east-1\n", '    region: us-east-1\n    account: "123456789012"\n') });
    const result = cli(["validate", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${config}/firewalls.yaml:2:3: error STACK_MOVE: Firewall \`mail-use1\` would move from stack mailgate-us-east-1 to stack mailgate-123456789012-us-east-1.`,
    );
    expect(result.stderr).toContain("add `stack: mailgate-us-east-1` to the firewall");
  });

  test("GIVEN the account added with `stack:` keeping the old stack WHEN validated THEN valid", () => {
    const { config, out } = synthesized();
    write(config, {
      "firewalls.yaml": FIREWALLS_YAML.replace("    region: us-east-1\n", '    region: us-east-1\n    account: "123456789012"\n    stack: mailgate-us-east-1\n'),
    });
    const result = cli(["validate", "--config", config, "--out", out]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("GIVEN the last domain of a stack removed WHEN synthesized THEN the stack is kept empty, warned about, and retire forgets it", () => {
    const { config, out } = synthesized();
    write(config, { "domains.yaml": DOMAINS_YAML.split("  - domain: corp.example.org")[0] });
    fs.writeFileSync(path.join(config, "firewalls.yaml"), FIREWALLS_YAML.split("  exchange-dmz:")[0]);
    const validated = cli(["validate", "--config", config, "--out", out]);
    expect(validated.status).toBe(0);
    synth(config, out);
    const placements = JSON.parse(fs.readFileSync(path.join(out, "placements.json"), "utf8"));
    expect(placements.stacks["mailgate-eu-central-1"]).toEqual({ region: "eu-central-1", targets: [] });
    const again = cli(["validate", "--config", config, "--out", out]);
    const line = fs.readFileSync(path.join(out, "placements.json"), "utf8").split("\n").indexOf('    "mailgate-eu-central-1": {') + 1;
    expect(again.stderr).toContain(`${out}/placements.json:${line}:5: warning EMPTY_STACK: Stack mailgate-eu-central-1 no longer has any firewall`);
    expect(readTree(out)["firewall-rules.md"]).toContain("Stack `mailgate-eu-central-1` is empty");

    const refused = cli(["retire", "--config", config, "--out", out, "mailgate-us-east-1"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("stack mailgate-us-east-1 still has firewall mail-use1");
    const unknown = cli(["retire", "--config", config, "--out", out, "mailgate-nowhere"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("has no stack mailgate-nowhere; its stacks: mailgate-eu-central-1, mailgate-us-east-1");

    const retired = cli(["retire", "--config", config, "--out", out, "mailgate-eu-central-1"]);
    expect(retired.stderr).toBe("");
    expect(retired.status).toBe(0);
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(out, "placements.json"), "utf8")).stacks)).toEqual(["mailgate-us-east-1"]);
    // The other artifacts now describe a stack that is gone: check says so until the next synth.
    expect(cli(["check", "--config", config, "--out", out]).status).toBe(1);
    synth(config, out);
    expect(cli(["check", "--config", config, "--out", out]).status).toBe(0);
  });

  test("GIVEN CI=true and no remote state WHEN validated THEN a warning says CI plans would start from empty state", () => {
    const { config, out } = synthesized();
    const result = cli(["validate", "--config", config, "--out", out], { env: { CI: "true" } });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("warning NO_REMOTE_STATE");
    write(config, { "terraform.yaml": "terraform:\n  backend:\n    s3: { bucket: my-state, region: us-east-1 }\n" });
    expect(cli(["validate", "--config", config, "--out", out], { env: { CI: "true" } }).stderr).not.toContain("NO_REMOTE_STATE");
  });
});
