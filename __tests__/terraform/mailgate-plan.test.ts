/**
 * `mailgate plan` for real: the command as users run it (the bin), synthesizing the project's
 * `config/` and `examples/advanced` with `terraform.awsProviderVersion: "5.100.0"` (the mirror's
 * version, through the config field rather than a rewritten copy), then Terraform's own init and
 * plan in every stack folder of the manifest, offline: the provider from the mirror, AWS the
 * stand-in on 127.0.0.1. Its summary must say what `terraform show -json` of each saved plan
 * says, counted here without mailgate's code (the saved plans read with this process's provider:
 * showSavedPlan). Four real plans; each of mailgate's commands starts its own provider, as for a
 * user.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { afterAll, expect, test } from "vitest";
import { PROJECT_ROOT } from "../support/run";
import { changesByKind, describeWithTerraform, directTerraformEnv, MIRROR_PROVIDER_VERSION, showSavedPlan, type PlanJson } from "../support/terraform";

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A copy of `configDir` whose `terraform:` section (in the file that has one, else a new file)
 * sets `awsProviderVersion`.
 */
function copyWithProviderVersion(configDir: string, version: string, into: string): void {
  fs.cpSync(path.join(PROJECT_ROOT, configDir), into, { recursive: true });
  const files = fs.readdirSync(into, { recursive: true, encoding: "utf8" }).filter((f) => /\.ya?ml$/.test(f));
  const holder = files.find((f) => parseDocument(fs.readFileSync(path.join(into, f), "utf8")).has("terraform"));
  const file = path.join(into, holder ?? "terraform.yaml");
  const doc = parseDocument(holder ? fs.readFileSync(file, "utf8") : "{}");
  doc.setIn(["terraform", "awsProviderVersion"], version);
  fs.writeFileSync(file, doc.toString());
}

function run(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Asynchronous: the AWS stand-in answers the provider on this process's event loop.
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The summary line a plan deserves, from its resource_changes alone. */
function expectedLine(stack: string, plan: PlanJson): { line: string; adds: number } {
  const kinds = changesByKind(plan);
  const changes = plan.resource_changes ?? [];
  const imports = changes.filter((c) => (c.change as { importing?: unknown }).importing).length;
  const moved = changes.filter((c) => c.previous_address !== undefined && c.previous_address !== c.address).length;
  const line =
    `${stack}: ${kinds.create.length} to add, ${kinds.update.length} to change, ${kinds.delete.length} to destroy, ${imports} to import, ${kinds.replace.length} to replace` +
    (moved > 0 ? `, ${moved} moved` : "");
  return { line, adds: kinds.create.length };
}

describeWithTerraform("mailgate plan, with the real Terraform CLI and AWS provider", () => {
  test.each(["config", "examples/advanced"])(
    "GIVEN %s with awsProviderVersion 5.100.0 and empty state WHEN mailgate plan runs THEN every manifest stack is planned, its summary is what terraform show -json says, and it exits 2",
    async (configDir) => {
      const { env } = await directTerraformEnv();
      const work = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-plan-"));
      made.push(work);
      copyWithProviderVersion(configDir, MIRROR_PROVIDER_VERSION, path.join(work, "config"));

      const result = await run(
        process.execPath,
        [path.join(PROJECT_ROOT, "bin", "mailgate.js"), "plan", "--config", "config", "--out", "generated", "--terraform-out", "cdktf.out", "--parallel", "2"],
        { cwd: work, env: { ...env, DEBUG: "", CI: "" } },
      );
      const context = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
      expect(result.code, context).toBe(2);

      const manifest = JSON.parse(fs.readFileSync(path.join(work, "cdktf.out", "manifest.json"), "utf8")) as { stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }> };
      const stacks = Object.keys(manifest.stacks);
      expect(stacks.length, context).toBeGreaterThan(0);

      const expected: string[] = [];
      let totalAdds = 0;
      for (const stack of stacks) {
        const dir = path.join(work, "cdktf.out", manifest.stacks[stack].workingDirectory);
        // Planned through the config field: the stack asks for the mirror's version, and init locked it.
        const json = JSON.parse(fs.readFileSync(path.join(work, "cdktf.out", manifest.stacks[stack].synthesizedStackPath), "utf8")) as {
          terraform: { required_providers: { aws: { version: string } } };
          resource?: Record<string, Record<string, unknown>>;
        };
        // The plan mailgate saved, as `terraform show -json` reads it (with this process's provider).
        const plan = await showSavedPlan(dir, "plan", json);
        expect(json.terraform.required_providers.aws.version).toBe(MIRROR_PROVIDER_VERSION);
        expect(fs.readFileSync(path.join(dir, ".terraform.lock.hcl"), "utf8")).toContain(`version     = "${MIRROR_PROVIDER_VERSION}"`);

        const { line, adds } = expectedLine(stack, plan);
        // Empty state: every resource the stack declares is created, and nothing else happens.
        const declared = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
        expect(adds, `${stack} declares ${declared} resources`).toBe(declared);
        expected.push(line);
        totalAdds += adds;
      }
      expected.push(`total: ${totalAdds} to add, 0 to change, 0 to destroy, 0 to import, 0 to replace (${stacks.length} stacks, ${stacks.length} with changes)`);

      const lines = result.stdout.trimEnd().split("\n");
      expect(lines.slice(-expected.length), context).toEqual(expected);
      // Each stack's output whole, in manifest order, before the summary.
      const headers = lines.filter((l) => l.startsWith("==> ")).map((l) => l.slice(4).split(" ")[0]);
      expect(headers).toEqual(stacks);
    },
    300_000,
  );
});
