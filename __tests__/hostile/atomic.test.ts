// Atomic outputs: a run that fails, for whatever reason and at whatever point, leaves every
// earlier output byte for byte as it was, and no temporary files behind.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { stageArtifacts, stageDirectory, writeArtifactsAtomically } from "../../lib/io/write-atomic";
import { EXIT, OutputError } from "../../lib/io/report-errors";
import { PROJECT_ROOT, readTree, runTs, tempDir, writeTree } from "../support/run";
import { shippedExample } from "./support";
import { CDKTF, cdktfCliCannotRun } from "../support/cdktf-cli";

/** The shipped example with SMTP moved from 587 to 2587: every output would change. */
function changedExample(dir?: string): string {
  const files = shippedExample();
  return writeTree({ ...files, "domains/imap.yaml": files["domains/imap.yaml"].replace("port: 587 }", "port: 2587 }") }, dir);
}

function copyDir(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

describe("main.ts: a failure midway leaves earlier outputs as they were", () => {
  // One good run; each scenario starts from a copy of its outputs.
  // The config lives beside its outputs, as in a repository: placements.json records it as
  // `../config`, so a copy of the three directories is the same project elsewhere.
  let baseline: string;
  beforeAll(() => {
    baseline = tempDir();
    writeTree(shippedExample(), path.join(baseline, "config"));
    const env = { MAILGATE_CONFIG: path.join(baseline, "config"), MAILGATE_OUT: path.join(baseline, "generated"), CDKTF_OUTDIR: path.join(baseline, "cdktf.out") };
    const good = runTs("main.ts", [], { env });
    expect(good.status).toBe(0);
  }, 60_000);

  /** A copy of the baseline project whose config has then changed (SMTP on 2587). */
  function scenario() {
    const work = tempDir();
    const tfOut = path.join(work, "cdktf.out");
    const artifacts = path.join(work, "generated");
    copyDir(baseline, work);
    const config = changedExample(path.join(work, "config"));
    return { work, tfOut, artifacts, config, before: { tf: readTree(tfOut), artifacts: readTree(artifacts) } };
  }

  test("GIVEN the artifacts directory cannot be created (its parent is a file) WHEN synthesized THEN exit 73, one line, and the Terraform output untouched", () => {
    const { work, tfOut, config, before } = scenario();
    fs.writeFileSync(path.join(work, "not-a-dir"), "in the way\n");
    const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: path.join(work, "not-a-dir", "generated"), CDKTF_OUTDIR: tfOut } });
    expect(result.status).toBe(EXIT.cannotWrite);
    expect(result.stderr).toMatch(/^mailgate: cannot write .*not-a-dir\/generated: ENOTDIR.*; earlier outputs are unchanged\.\n$/);
    // The artifacts are staged before Terraform is synthesized: nothing was written at all.
    expect(readTree(tfOut)).toEqual(before.tf);
  });

  test("GIVEN a directory where a stack's file goes WHEN synthesized THEN exit 73, one line, and both outputs untouched, no staging left", () => {
    const { work, tfOut, artifacts, config, before } = scenario();
    // cdktf synthesizes into a staging directory; moving its files into place finds this first.
    const stackFile = path.join(tfOut, "stacks", "mailgate-us-east-1", "cdk.tf.json");
    fs.rmSync(stackFile);
    fs.mkdirSync(stackFile);
    const after = { tf: readTree(tfOut), artifacts: before.artifacts };
    const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: artifacts, CDKTF_OUTDIR: tfOut } });
    expect(result.status).toBe(EXIT.cannotWrite);
    expect(result.stderr).toMatch(/^mailgate: cannot write .*cdktf\.out\/stacks\/mailgate-us-east-1\/cdk\.tf\.json: EISDIR.*; earlier outputs are unchanged\.\n$/);
    expect(result.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect({ tf: readTree(tfOut), artifacts: readTree(artifacts) }).toEqual(after);
    expect(fs.readdirSync(work).sort()).toEqual(["cdktf.out", "config", "generated"]);
  });

  test("GIVEN a changed config WHEN synthesized THEN the stacks and artifacts both change, files cdktf does not write are kept, no staging left", () => {
    const { work, tfOut, artifacts, config, before } = scenario();
    // What `cdktf plan` leaves in a stack's folder must survive a synth.
    writeTree({ "stacks/mailgate-us-east-1/.terraform.lock.hcl": "# providers\n" }, tfOut);
    const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: artifacts, CDKTF_OUTDIR: tfOut } });
    expect(result.status).toBe(0);
    const tf = readTree(tfOut);
    expect(tf["stacks/mailgate-us-east-1/.terraform.lock.hcl"]).toBe("# providers\n");
    expect(tf["stacks/mailgate-us-east-1/cdk.tf.json"]).not.toBe(before.tf["stacks/mailgate-us-east-1/cdk.tf.json"]);
    expect(readTree(artifacts)).not.toEqual(before.artifacts);
    expect(fs.readdirSync(work).sort()).toEqual(["cdktf.out", "config", "generated"]);
  });
});

describe("cdktf synth (the real CLI) on an invalid config", () => {
  test("GIVEN earlier outputs WHEN `cdktf synth` runs on a broken config THEN it exits non-zero and every earlier output is byte-identical", (ctx) => {
    const cannotRun = cdktfCliCannotRun();
    ctx.skip(cannotRun !== undefined, cannotRun);
    const work = tempDir();
    const tfOut = path.join(work, "out");
    const artifacts = path.join(work, "generated");
    writeTree({ "stacks/mailgate-us-east-1/cdk.tf.json": '{"earlier": true}\n', "manifest.json": '{"earlier": true}\n' }, tfOut);
    writeTree({ "prefill-settings.json": '{"earlier": true}\n', "firewall-rules.md": "# earlier\n" }, artifacts);
    const before = { tf: readTree(tfOut), artifacts: readTree(artifacts) };
    const bad = writeTree({ "a.yaml": "domains:\n  - domain: example.com\n    imap: { incoming: { host: imap.example.com, port: 993 } }\n", "b.yaml": "[".repeat(100_000) });

    const result = spawnSync(CDKTF, ["synth", "--output", tfOut], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", DEBUG: "", MAILGATE_CONFIG: bad, MAILGATE_OUT: artifacts, CI: "1" },
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/b\.yaml:1:\d+: error YAML_LIMIT/);
    expect({ tf: readTree(tfOut), artifacts: readTree(artifacts) }).toEqual(before);
  }, 120_000);
});

describe("the atomic writer", () => {
  test("GIVEN a directory where an artifact goes WHEN staged THEN OutputError before anything is written, no temporary file left", () => {
    const dir = tempDir();
    writeArtifactsAtomically(dir, new Map([["a.json", "old a\n"]]));
    fs.mkdirSync(path.join(dir, "b.md"));
    expect(() => stageArtifacts(dir, new Map([["a.json", "new a\n"], ["b.md", "new b\n"]]))).toThrow(OutputError);
    expect(fs.readdirSync(dir).sort()).toEqual(["a.json", "b.md"]);
    expect(fs.readFileSync(path.join(dir, "a.json"), "utf8")).toBe("old a\n");
  });

  test("GIVEN staged artifacts WHEN aborted THEN nothing changed, and a directory staging created is gone again", () => {
    const parent = tempDir();
    const out = path.join(parent, "new", "generated");
    const staged = stageArtifacts(out, new Map([["x.json", "{}\n"], ["sub/y.md", "y\n"]]));
    expect(fs.existsSync(path.join(out, "x.json"))).toBe(false);
    staged.abort();
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  test("GIVEN a write that fails WHEN staged THEN it throws OutputError naming the file, and no temporary file or earlier output changed", () => {
    const dir = tempDir();
    writeArtifactsAtomically(dir, new Map([["a.json", "old a\n"]]));
    // The temporary name is taken by a directory: only the write itself can fail on it.
    fs.mkdirSync(path.join(dir, `b.md.tmp-${process.pid}`));
    const stage = () => stageArtifacts(dir, new Map([["a.json", "new a\n"], ["b.md", "new b\n"]]));
    expect(stage).toThrow(OutputError);
    expect(stage).toThrow(/b\.md/);
    expect(fs.readdirSync(dir).sort()).toEqual(["a.json", `b.md.tmp-${process.pid}`]);
    expect(fs.readFileSync(path.join(dir, "a.json"), "utf8")).toBe("old a\n");
  });

  test("GIVEN a write that fails before the last file WHEN staged THEN the error names the file that failed", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, `a.json.tmp-${process.pid}`));
    const stage = () => stageArtifacts(dir, new Map([["a.json", "new a\n"], ["b.md", "new b\n"]]));
    expect(stage).toThrow(/^cannot write \S*\/a\.json: /);
    expect(stage).not.toThrow(/b\.md/);
    expect(fs.readdirSync(dir)).toEqual([`a.json.tmp-${process.pid}`]);
  });

  test("GIVEN staged artifacts WHEN not yet committed THEN only temporary files hold them", () => {
    const dir = tempDir();
    const staged = stageArtifacts(dir, new Map([["a.json", "a\n"], ["sub/b.md", "b\n"]]));
    expect(readTree(dir)).toEqual({ [`a.json.tmp-${process.pid}`]: "a\n", [`sub/b.md.tmp-${process.pid}`]: "b\n" });
    staged.commit();
    expect(readTree(dir)).toEqual({ "a.json": "a\n", "sub/b.md": "b\n" });
  });

  test("GIVEN staged artifacts WHEN committed THEN exactly the new files, no temporary ones", () => {
    const dir = tempDir();
    writeArtifactsAtomically(dir, new Map([["a.json", "old\n"]]));
    const staged = stageArtifacts(dir, new Map([["a.json", "new\n"], ["b.md", "b\n"]]));
    expect(fs.readFileSync(path.join(dir, "a.json"), "utf8")).toBe("old\n");
    staged.commit();
    expect(readTree(dir)).toEqual({ "a.json": "new\n", "b.md": "b\n" });
  });
});

describe("the atomic writer: a directory mailgate owns (firewalls/)", () => {
  const OWNED = { ownedDirectories: ["firewalls"] };

  /** An artifacts directory from an earlier synth that wrote two firewall files, plus the team's own file. */
  function earlierOutput(): string {
    const dir = tempDir();
    writeTree({ "a.json": "old a\n", "notes.txt": "ours\n", "firewalls/kept.nft": "old kept\n", "firewalls/gone.ps1": "gone\n", "firewalls/gone-imap.txt": "gone\n" }, dir);
    return dir;
  }

  test("GIVEN files in firewalls/ that the new artifacts do not include WHEN staged and committed THEN exactly those are removed, the team's files elsewhere stay", () => {
    const dir = earlierOutput();
    const staged = stageArtifacts(dir, new Map([["a.json", "new a\n"], ["firewalls/kept.nft", "new kept\n"]]), OWNED);
    expect(staged.removed).toEqual(["firewalls/gone-imap.txt", "firewalls/gone.ps1"]);
    // Nothing is removed before the commit.
    expect(fs.existsSync(path.join(dir, "firewalls", "gone.ps1"))).toBe(true);
    staged.commit();
    expect(readTree(dir)).toEqual({ "a.json": "new a\n", "firewalls/kept.nft": "new kept\n", "notes.txt": "ours\n" });
  });

  test("GIVEN files to remove WHEN the staging is aborted (the synth failed later) THEN nothing was removed", () => {
    const dir = earlierOutput();
    const before = readTree(dir);
    const staged = stageArtifacts(dir, new Map([["a.json", "new a\n"]]), OWNED);
    staged.abort();
    expect(readTree(dir)).toEqual(before);
  });

  test("GIVEN no owned directories named (retire rewriting one file) WHEN committed THEN nothing else is removed", () => {
    const dir = earlierOutput();
    writeArtifactsAtomically(dir, new Map([["a.json", "new a\n"]]));
    expect(Object.keys(readTree(dir))).toEqual(["a.json", "firewalls/gone-imap.txt", "firewalls/gone.ps1", "firewalls/kept.nft", "notes.txt"]);
  });

  test("GIVEN a subdirectory and a symbolic link in firewalls/ WHEN committed THEN the link is removed (not what it points to) and the directory is left whole", () => {
    const dir = earlierOutput();
    const elsewhere = writeTree({ "target.txt": "not mailgate's\n" });
    writeTree({ "firewalls/sub/file.txt": "in a subfolder\n" }, dir);
    fs.symlinkSync(path.join(elsewhere, "target.txt"), path.join(dir, "firewalls", "link.txt"));
    const staged = stageArtifacts(dir, new Map([["firewalls/kept.nft", "new kept\n"]]), OWNED);
    expect(staged.removed).toEqual(["firewalls/gone-imap.txt", "firewalls/gone.ps1", "firewalls/link.txt"]);
    staged.commit();
    expect(readTree(dir)).toEqual({ "a.json": "old a\n", "firewalls/kept.nft": "new kept\n", "firewalls/sub/file.txt": "in a subfolder\n", "notes.txt": "ours\n" });
    expect(readTree(elsewhere)).toEqual({ "target.txt": "not mailgate's\n" });
  });

  test("GIVEN firewalls/ is a symbolic link to another directory WHEN committed THEN nothing is deleted through it", () => {
    const dir = tempDir();
    const shared = writeTree({ "kept.nft": "old\n", "someone-elses.txt": "theirs\n" });
    fs.symlinkSync(shared, path.join(dir, "firewalls"));
    const staged = stageArtifacts(dir, new Map([["firewalls/kept.nft", "new\n"]]), OWNED);
    expect(staged.removed).toEqual([]);
    staged.commit();
    expect(readTree(shared)).toEqual({ "kept.nft": "new\n", "someone-elses.txt": "theirs\n" });
  });
});

describe("the staged output directory", () => {
  test("GIVEN a tree written to the staging directory WHEN committed THEN its files replace theirs, others stay, the staging directory is gone", () => {
    const parent = tempDir();
    const out = path.join(parent, "out");
    writeTree({ "manifest.json": "old\n", "stacks/a/cdk.tf.json": "old a\n", "stacks/a/.terraform.lock.hcl": "lock\n", "stacks/gone/cdk.tf.json": "gone\n" }, out);
    const staged = stageDirectory(out);
    expect(path.dirname(staged.dir)).toBe(parent);
    writeTree({ "manifest.json": "new\n", "stacks/a/cdk.tf.json": "new a\n", "stacks/b/cdk.tf.json": "new b\n" }, staged.dir);
    expect(readTree(out)["manifest.json"]).toBe("old\n");
    staged.commit();
    expect(readTree(out)).toEqual({
      "manifest.json": "new\n",
      "stacks/a/.terraform.lock.hcl": "lock\n",
      "stacks/a/cdk.tf.json": "new a\n",
      "stacks/b/cdk.tf.json": "new b\n",
      "stacks/gone/cdk.tf.json": "gone\n",
    });
    expect(fs.readdirSync(parent)).toEqual(["out"]);
  });

  test("GIVEN pruneUnder stacks WHEN committed THEN a stack folder the new tree lacks goes with its .terraform, the others keep theirs, a stray file stays", () => {
    const parent = tempDir();
    const out = path.join(parent, "out");
    writeTree(
      { "stacks/a/cdk.tf.json": "old a\n", "stacks/a/.terraform/state": "a's\n", "stacks/gone/cdk.tf.json": "gone\n", "stacks/gone/.terraform/state": "gone's\n", "stacks/notes.txt": "ours\n" },
      out,
    );
    const staged = stageDirectory(out, { pruneUnder: "stacks" });
    writeTree({ "manifest.json": "new\n", "stacks/a/cdk.tf.json": "new a\n" }, staged.dir);
    staged.commit();
    expect(readTree(out)).toEqual({ "manifest.json": "new\n", "stacks/a/.terraform/state": "a's\n", "stacks/a/cdk.tf.json": "new a\n", "stacks/notes.txt": "ours\n" });
    expect(fs.readdirSync(parent)).toEqual(["out"]);
  });

  test("GIVEN a file where a staged directory goes WHEN committed THEN OutputError naming it, nothing moved, staging removed", () => {
    const parent = tempDir();
    const out = path.join(parent, "out");
    writeTree({ "manifest.json": "old\n", stacks: "a file, not a directory\n" }, out);
    const before = readTree(out);
    const staged = stageDirectory(out);
    writeTree({ "manifest.json": "new\n", "stacks/a/cdk.tf.json": "new a\n" }, staged.dir);
    expect(() => staged.commit()).toThrow(OutputError);
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(parent)).toEqual(["out"]);
  });

  test("GIVEN a missing parent WHEN staged THEN it is made (as cdktf synth --output does), and abort leaves it empty", () => {
    const parent = tempDir();
    const staged = stageDirectory(path.join(parent, "no", "such", "out"));
    staged.abort();
    expect(fs.readdirSync(path.join(parent, "no", "such"))).toEqual([]);
  });

  test("GIVEN a file where the parent should be WHEN staged THEN OutputError before anything is written", () => {
    const parent = tempDir();
    fs.writeFileSync(path.join(parent, "no"), "a file\n");
    expect(() => stageDirectory(path.join(parent, "no", "such", "out"))).toThrow(OutputError);
    expect(fs.readdirSync(parent)).toEqual(["no"]);
  });
});
