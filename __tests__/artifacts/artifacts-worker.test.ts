// Synth renders and stages the artifacts in a worker thread (lib/io/artifacts-in-worker.ts) while
// it synthesizes the stacks: the worker's files must be the bytes `prepare` renders, and any
// failure there must stop the synth with nothing written.
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import { afterAll, describe, expect, test } from "vitest";
import { ArtifactsWorker } from "../../lib/io/artifacts-in-worker";
import { reviveCidrs } from "../../lib/io/artifacts-worker";
import { EXIT, OutputError } from "../../lib/io/report-errors";
import { buildPolicy, type FirewallPolicy } from "../../lib/policy/firewall-policy";
import { NO_PLACEMENTS, placementsOf } from "../../lib/policy/placements";
import { prefillSettings, previousForConfig, type PreviousPrefill } from "../../lib/artifacts/prefill";
import { OWNED_DIRECTORIES, prepare, renderArtifacts } from "../../lib/pipeline";
import { PROJECT_ROOT, readTree, removeTempDirs, runTs, tempDir, writeTree } from "../support/run";
import { config, createdGroup, imapDomain } from "../support/configs";

afterAll(removeTempDirs);

/** Every shipped config: the example and both examples (AWS targets of each kind, and on-premises ones). */
const SHIPPED = ["config", "examples/advanced", "examples/onprem"].map((dir) => path.join(PROJECT_ROOT, dir));

describe("the artifacts' inputs as the worker receives them (structured clone)", () => {
  test.each(SHIPPED)("GIVEN %s WHEN its inputs are cloned and revived THEN every artifact renders to the same bytes", (dir) => {
    const prepared = prepare(dir);
    if (!prepared.ok) throw new Error(`${dir} is invalid`);
    const { config: cfg, policy, placements, previous } = prepared;
    const clone = reviveCidrs(v8.deserialize(v8.serialize({ config: cfg, policy, placements, previous })) as typeof prepared);
    expect([...renderArtifacts(clone.config, clone.policy, clone.placements, prefillSettings(clone.config, clone.policy.catalog, clone.previous))]).toEqual([
      ...prepared.artifacts,
    ]);
  });

  test("GIVEN a clone that is not revived THEN the bytes differ (what the test above guards against)", () => {
    const prepared = prepare(SHIPPED[0]);
    if (!prepared.ok) throw new Error("the example is invalid");
    const { config: cfg, policy, placements, prefill } = prepared;
    const clone = v8.deserialize(v8.serialize({ config: cfg, policy, placements, prefill })) as typeof prepared;
    let rendered: [string, string][] | undefined;
    try {
      rendered = [...renderArtifacts(clone.config, clone.policy, clone.placements, clone.prefill)];
    } catch {
      rendered = undefined;
    }
    expect(rendered).not.toEqual([...prepared.artifacts]);
  });
});

describe("previousForConfig: the last synth's prefill settings as the worker receives them", () => {
  test("GIVEN previous settings with kept, removed and already-removed domains WHEN cut down THEN the new settings are the same", () => {
    const cfg = config([imapDomain("kept.example", ["mail"])], [createdGroup("mail", "us-east-1")]);
    const exchange = (domain: string) => ({ domain, kind: "exchange" as const, exchangeUrl: `https://${domain}/EWS/Exchange.asmx` });
    const previous: PreviousPrefill = { domains: [exchange("kept.example"), exchange("b.example")], removed: [exchange("a.example"), exchange("b.example")] };
    const { catalog } = buildPolicy(cfg);
    const cut = previousForConfig(cfg, previous);
    expect(cut.domains).toEqual([]);
    expect(cut.removed.map((d) => d.domain)).toEqual(["b.example", "a.example", "b.example"]);
    expect(prefillSettings(cfg, catalog, cut)).toEqual(prefillSettings(cfg, catalog, previous));
  });
});

describe("ArtifactsWorker", () => {
  const cfg = config([imapDomain("example.com", ["mail"])], [createdGroup("mail", "us-east-1")]);

  /** The last synth listed a domain this config no longer has: the prefill settings keep it as removed. */
  const previous: PreviousPrefill = { domains: [{ domain: "gone.example", kind: "exchange", exchangeUrl: "https://outlook.office365.com/EWS/Exchange.asmx" }], removed: [] };

  function inputsOf(policy: FirewallPolicy) {
    return { config: cfg, policy, placements: placementsOf(policy, NO_PLACEMENTS), previous: previousForConfig(cfg, previous) };
  }

  test("GIVEN valid inputs WHEN staged by the worker and committed THEN the directory holds exactly what renderArtifacts renders, no temporary file", async () => {
    const out = path.join(tempDir(), "generated");
    const inputs = inputsOf(buildPolicy(cfg));
    const worker = new ArtifactsWorker();
    try {
      const job = worker.start({ inputs, outDir: out, ownedDirectories: OWNED_DIRECTORIES });
      const expected = renderArtifacts(inputs.config, inputs.policy, inputs.placements, prefillSettings(cfg, inputs.policy.catalog, previous));
      expect(expected.get("prefill-settings.json")).toContain("gone.example");
      expect(await job.rendered).toBe(expected.size);
      (await job.staged).commit();
      expect(readTree(out)).toEqual(Object.fromEntries([...expected].sort(([a], [b]) => (a < b ? -1 : 1))));
    } finally {
      await worker.stop();
    }
  });

  test("GIVEN a policy that fails the audit's coverage proof WHEN rendered by the worker THEN both promises reject with its message and nothing is written", async () => {
    const honest = buildPolicy(cfg);
    const tampered: FirewallPolicy = {
      ...honest,
      targets: honest.targets.map((t) => (t.type === "aws-security-group" ? { ...t, groups: t.groups.map((g) => ({ ...g, ingress: g.ingress.slice(1) })) } : t)),
    };
    const out = path.join(tempDir(), "generated");
    const worker = new ArtifactsWorker();
    try {
      const job = worker.start({ inputs: inputsOf(tampered), outDir: out, ownedDirectories: OWNED_DIRECTORIES });
      await expect(job.rendered).rejects.toThrow(/the generated rules for target mail port \d+ open/);
      await expect(job.staged).rejects.toThrow(/the generated rules for target mail/);
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      await worker.stop();
    }
  });

  test("GIVEN a directory where an artifact goes WHEN staged by the worker THEN staged rejects with OutputError naming it, no temporary file left", async () => {
    const out = writeTree({ "placements.json/keep": "in the way\n", "prefill-settings.md": "earlier\n" });
    const before = readTree(out);
    const worker = new ArtifactsWorker();
    try {
      const job = worker.start({ inputs: inputsOf(buildPolicy(cfg)), outDir: out, ownedDirectories: OWNED_DIRECTORIES });
      await job.rendered;
      const failure = await job.staged.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(OutputError);
      expect((failure as OutputError).message).toMatch(/^cannot write .*placements\.json: EISDIR/);
      expect(readTree(out)).toEqual(before);
    } finally {
      await worker.stop();
    }
  });
});

describe("main.ts with the artifacts worker", () => {
  test("GIVEN a directory where an artifact goes WHEN synthesized THEN exit 73, one line naming it, and neither output written, no staging left", () => {
    const work = tempDir();
    fs.cpSync(path.join(PROJECT_ROOT, "config"), path.join(work, "config"), { recursive: true });
    writeTree({ "firewall-rules.csv/keep": "in the way\n" }, path.join(work, "generated"));
    const env = { MAILGATE_CONFIG: path.join(work, "config"), MAILGATE_OUT: path.join(work, "generated"), CDKTF_OUTDIR: path.join(work, "cdktf.out") };
    const result = runTs("main.ts", [], { env });
    expect(result.status).toBe(EXIT.cannotWrite);
    expect(result.stderr).toMatch(/^mailgate: cannot write .*generated\/firewall-rules\.csv: EISDIR.*; earlier outputs are unchanged\.\n$/);
    expect(readTree(path.join(work, "generated"))).toEqual({ "firewall-rules.csv/keep": "in the way\n" });
    expect(fs.readdirSync(work).sort()).toEqual(["config", "generated"]);
  });

  test("GIVEN an invalid config WHEN synthesized THEN exit 1 and the process ends (the idle worker is stopped), nothing written", () => {
    const work = tempDir();
    writeTree({ "domains.yaml": "domains: [\n" }, path.join(work, "config"));
    const env = { MAILGATE_CONFIG: path.join(work, "config"), MAILGATE_OUT: path.join(work, "generated"), CDKTF_OUTDIR: path.join(work, "cdktf.out") };
    const result = runTs("main.ts", [], { env });
    expect(result.status).toBe(EXIT.invalidConfig);
    expect(fs.readdirSync(work)).toEqual(["config"]);
  });

  test("GIVEN the example WHEN synthesized THEN the artifacts written are prepare's bytes", () => {
    const work = tempDir();
    fs.cpSync(path.join(PROJECT_ROOT, "config"), path.join(work, "config"), { recursive: true });
    const env = { MAILGATE_CONFIG: path.join(work, "config"), MAILGATE_OUT: path.join(work, "generated"), CDKTF_OUTDIR: path.join(work, "cdktf.out") };
    expect(runTs("main.ts", [], { env }).status).toBe(0);
    // A second synth reads the first one's placements and prefill: check's view of the same bytes.
    const again = prepare(path.join(work, "config"), { outDir: path.join(work, "generated") });
    if (!again.ok) throw new Error("the example is invalid");
    expect(readTree(path.join(work, "generated"))).toEqual(Object.fromEntries([...again.artifacts]));
  });
});
