// The package as a team gets it: `npm pack` here (or the tarball MAILGATE_PACKAGE_TARBALL names),
// then, in a directory holding only `npm init -y` and the tarball, `npm i -D ./mailgate-*.tgz`,
// `npx mailgate init .`, `validate` and `synth`.
// Dependencies come from the npm cache (`npm ci` filled it), else the registry. Takes a minute or
// two: the build (npm pack's prepack) and the install of cdktf and the AWS provider.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PROJECT_ROOT, readTree, tempDir } from "../support/run";
import { timedSync } from "../support/timings";

/**
 * MAILGATE_PACKAGE_TARBALL: a tarball `npm pack` made of this checkout, installed instead of
 * packing again (.ci/run packs once and runs this file under each Node with it).
 */
const PACKED = process.env.MAILGATE_PACKAGE_TARBALL ? path.resolve(process.env.MAILGATE_PACKAGE_TARBALL) : undefined;

/** This process's environment without what npm set for it (`npm run test:e2e`): each command gets npm's own. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== "INIT_CWD"));
  // No "update available" notice on stderr; CI and DEBUG as a user's shell has them.
  return { ...env, npm_config_update_notifier: "false", CI: "", DEBUG: "", CHECKPOINT_DISABLE: "1", ...extra };
}

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = timedSync(`${command} ${args.slice(0, 2).join(" ")}`, () => spawnSync(command, args, { cwd, env: cleanEnv(env), encoding: "utf8", timeout: 600_000 }));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, error: result.error?.message };
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).map((f) => f.split(path.sep).join("/"));
}

/** The team's own files: what init wrote and the team keeps, not what npm or synth recreate. */
function ownFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", "cdktf.out", "generated"].includes(entry.name)) continue;
    if (entry.isFile()) files[entry.name] = fs.readFileSync(path.join(dir, entry.name), "latin1");
    else for (const [file, text] of Object.entries(readTree(path.join(dir, entry.name)))) files[`${entry.name}/${file}`] = text;
  }
  return files;
}

describe("the packed package, installed in an empty npm project", () => {
  const team = tempDir("mailgate-team-");
  const installed = path.join(team, "node_modules", "mailgate");
  const steps: Record<string, ReturnType<typeof run>> = {};

  beforeAll(() => {
    let tarball: string;
    if (PACKED) {
      // Packed once for every Node's run of this file (.ci/run): the same bytes a registry would serve each team.
      tarball = path.basename(PACKED);
      steps.pack = { status: 0, stdout: "", stderr: "", error: undefined };
      fs.copyFileSync(PACKED, path.join(team, tarball));
    } else {
      const packs = tempDir("mailgate-pack-");
      steps.pack = run("npm", ["pack", "--pack-destination", packs, "--silent"], PROJECT_ROOT);
      const packed = fs.readdirSync(packs).find((f) => /^mailgate-.*\.tgz$/.test(f));
      if (!packed) throw new Error(`npm pack made no tarball (exit ${steps.pack.status}): ${steps.pack.stdout}${steps.pack.stderr}`);
      tarball = packed;
      fs.copyFileSync(path.join(packs, tarball), path.join(team, tarball));
    }
    steps.npmInit = run("npm", ["init", "-y"], team);
    steps.install = run("npm", ["i", "-D", `./${tarball}`, "--prefer-offline", "--no-audit", "--no-fund"], team);
    steps.init = run("npx", ["mailgate", "init", "."], team);
    steps.validate = run("npx", ["mailgate", "validate"], team);
    steps.synth = run("npx", ["mailgate", "synth"], team);
  }, 900_000);

  // Before the shared cleanup (after-hooks run last-registered first), with time for the ~100 MB
  // of the AWS provider's bindings that the install put under node_modules.
  afterAll(() => fs.rmSync(team, { recursive: true, force: true }), 300_000);

  test("GIVEN npm i -D of the tarball, npx mailgate init ., validate and synth THEN each exits 0 with nothing on stderr", () => {
    expect(steps.pack.status, steps.pack.stderr).toBe(0);
    for (const name of ["install", "init", "validate", "synth"]) {
      expect({ name, status: steps[name].status, stderr: steps[name].stderr, error: steps[name].error }).toEqual({ name, status: 0, stderr: "", error: undefined });
    }
    expect(steps.init.stdout).toContain("  wrote config/mailgate.yaml\n");
    expect(steps.validate.stdout).toBe("config: valid\n");
  });

  test("THEN cdktf.out/ and generated/ appear, with the manifest cdktf writes and the artifacts", () => {
    expect(JSON.parse(fs.readFileSync(path.join(team, "cdktf.out", "manifest.json"), "utf8"))).toMatchObject({ stacks: {} });
    expect(filesUnder(path.join(team, "generated")).sort()).toEqual(expect.arrayContaining(["placements.json", "prefill-settings.json", "prefill-settings.md"]));
  });

  test("THEN the installed package holds no test, no config/ or generated/, and runs without TypeScript", () => {
    const files = filesUnder(installed);
    expect(files.filter((f) => /(^|\/)__tests__\/|\.test\.|\.spec\./.test(f))).toEqual([]);
    expect(files.filter((f) => /^(config|generated|lib|scripts)\//.test(f) || f.endsWith(".ts"))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["dist/lib/cli.js", "dist/main.js", "dist/lib/model/hubspot-published-ranges.json", "schema/mailgate-config.schema.json", "CHANGELOG.md"]));
    // Nothing in the team's tree could have compiled TypeScript for synth above.
    expect(["typescript", "tsx"].filter((name) => fs.existsSync(path.join(team, "node_modules", name)))).toEqual([]);
  });

  test("THEN its dependencies are exactly the packages its compiled code requires: never typescript or tsx", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const required = new Set<string>();
    for (const file of filesUnder(path.join(installed, "dist")).filter((f) => f.endsWith(".js"))) {
      const text = fs.readFileSync(path.join(installed, "dist", file), "utf8");
      for (const [, specifier] of text.matchAll(/\brequire\("([^"]+)"\)/g)) {
        if (specifier.startsWith(".") || specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
        required.add(specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0]);
      }
    }
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...required].sort());
    expect(Object.keys(manifest.dependencies)).not.toContain("typescript");
    expect(Object.keys(manifest.dependencies)).not.toContain("tsx");
  });

  test("GIVEN cdktf.json's app run as cdktf-cli runs it (CDKTF_OUTDIR set) THEN the Terraform goes where cdktf said, nothing on stderr", () => {
    const app = (JSON.parse(fs.readFileSync(path.join(team, "cdktf.json"), "utf8")) as { app: string }).app;
    const outdir = path.join(tempDir("mailgate-cdktf-out-"), "stage");
    const result = run("sh", ["-c", app], team, { CDKTF_OUTDIR: outdir });
    expect([result.status, result.stderr]).toEqual([0, ""]);
    expect(fs.existsSync(path.join(outdir, "manifest.json"))).toBe(true);
  });

  test("GIVEN init has run WHEN it runs again THEN every file is kept, byte for byte, exit 0", () => {
    const before = ownFiles(team);
    const again = run("npx", ["mailgate", "init", "."], team);
    expect([again.status, again.stderr]).toEqual([0, ""]);
    expect(again.stdout).not.toMatch(/^ {2}(wrote|added) /m);
    expect(again.stdout.match(/^ {2}kept /gm)).toHaveLength(6);
    expect(ownFiles(team)).toEqual(before);
  });
});
