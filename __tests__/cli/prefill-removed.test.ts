// Domains removed from the config stay on the HubSpot admin's list until someone confirms their
// settings were deleted in HubSpot: prefill-settings.json is the memory between synths.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { writeArtifactsAtomically } from "../../lib/io/write-atomic";
import { prepare } from "../../lib/pipeline";
import { readTree, runTs, tempDir } from "../support/run";
import { cli, configDir, NEW_DOMAIN_YAML } from "./helpers";

/** What synth does to the artifacts directory, in-process: read the last synth's files, write the new ones. */
function synthArtifacts(config: string, out: string): void {
  const prepared = prepare(config, { outDir: out });
  if (!prepared.ok) throw new Error(prepared.diagnostics.map((d) => d.message).join("; "));
  writeArtifactsAtomically(out, prepared.artifacts);
}

/** A config with example.org, synthesized, then example.org removed from the config and synthesized again. */
function removedDomain() {
  const config = configDir({ "domains/new.yaml": NEW_DOMAIN_YAML });
  const out = path.join(tempDir(), "generated");
  synthArtifacts(config, out);
  fs.rmSync(path.join(config, "domains", "new.yaml"));
  synthArtifacts(config, out);
  return { config, out };
}

const prefillJson = (out: string) => JSON.parse(fs.readFileSync(path.join(out, "prefill-settings.json"), "utf8"));
const prefillMd = (out: string) => fs.readFileSync(path.join(out, "prefill-settings.md"), "utf8");

describe("a domain removed from the config", () => {
  test("GIVEN a domain removed from the config WHEN synthesized THEN prefill-settings lists it under removed, check is fresh, and another synth writes the same bytes", async () => {
    const { config, out } = removedDomain();
    expect(prefillJson(out).removed).toEqual([
      { domain: "example.org", kind: "imap", incoming: { host: "mail.example.org", port: 993 }, outgoing: { host: "mail.example.org", port: 2525 }, allowNonSecureCertificate: false },
    ]);
    expect(prefillMd(out)).toContain("## Remove in HubSpot (1)");
    const before = readTree(out);
    expect(await cli(["check", "--config", config, "--out", out])).toMatchObject({ status: 0, stderr: "" });
    synthArtifacts(config, out);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a damaged prefill-settings.json WHEN checked THEN exit 1 with PREFILL_UNREADABLE at the file, saying to restore it, and nothing written", async () => {
    const { config, out } = removedDomain();
    fs.writeFileSync(path.join(out, "prefill-settings.json"), '{"schemaVersion": 1, "domains": [}');
    const before = readTree(out);
    const result = await cli(["check", "--config", config, "--out", out]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${out}/prefill-settings.json:1:1: error PREFILL_UNREADABLE: ${out}/prefill-settings.json cannot be read: not JSON`);
    expect(result.stderr).toContain(`hint: restore it from git (git checkout -- ${out}/prefill-settings.json)`);
    expect(result.stderr).not.toContain("stale:");
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a damaged prefill-settings.json WHEN main.ts synthesizes THEN exit 1, the diagnostic, and neither output changes", () => {
    const { config, out } = removedDomain();
    const tfOut = path.join(path.dirname(out), "cdktf.out");
    fs.writeFileSync(path.join(out, "prefill-settings.json"), '{"schemaVersion": 1, "domains": [], "removed": [{"domain": "x"}]}\n');
    const before = readTree(out);
    const result = runTs("main.ts", [], { env: { MAILGATE_CONFIG: config, MAILGATE_OUT: out, CDKTF_OUTDIR: tfOut } });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/prefill-settings\.json:1:1: error PREFILL_UNREADABLE: .*removed\[0\]/);
    expect(result.stdout).toBe("");
    expect(readTree(out)).toEqual(before);
    expect(fs.existsSync(tfOut)).toBe(false);
  });

  test("GIVEN a removed domain WHEN diffed THEN the prefill table says its settings must be deleted in HubSpot", async () => {
    const base = configDir({ "domains/new.yaml": NEW_DOMAIN_YAML });
    const head = configDir();
    // An empty artifacts directory: no placements, so nothing from the project's own generated/.
    const result = await cli(["diff", "--out", tempDir(), base, head]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("| example.org | removed |");
    expect(result.stdout).toContain("delete its settings in HubSpot");
  });
});

describe("mailgate removed-in-hubspot", () => {
  test("GIVEN a domain under removed WHEN confirmed THEN prefill-settings.json and .md no longer list it, check is fresh, and synth keeps it off", async () => {
    const { config, out } = removedDomain();
    const result = await cli(["removed-in-hubspot", "--config", config, "--out", out, "example.org"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${out}/prefill-settings.json: example.org no longer listed under Remove in HubSpot`);
    expect(prefillJson(out)).not.toHaveProperty("removed");
    expect(prefillMd(out)).not.toContain("Remove in HubSpot");
    expect((await cli(["check", "--config", config, "--out", out])).status).toBe(0);
    const before = readTree(out);
    synthArtifacts(config, out);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a domain that is not under removed WHEN confirmed THEN exit 2 naming the listed ones, and nothing written", async () => {
    const { config, out } = removedDomain();
    const before = readTree(out);
    const result = await cli(["removed-in-hubspot", "--config", config, "--out", out, "example.org", "nope.example"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`mailgate: ${out}/prefill-settings.json does not list nope.example under removed; it lists example.org`);
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN a domain still in the config WHEN confirmed THEN exit 1 saying so, and nothing written", async () => {
    const { config, out } = removedDomain();
    const before = readTree(out);
    const result = await cli(["removed-in-hubspot", "--config", config, "--out", out, "Example.COM."]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("mailgate: example.com is still in the config");
    expect(readTree(out)).toEqual(before);
  });

  test("GIVEN no domain WHEN run THEN a usage error", async () => {
    const result = await cli(["removed-in-hubspot"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("mailgate: removed-in-hubspot needs <domain>");
  });
});
