// `mailgate init [dir]`: what a team repository that installs mailgate needs, written only where
// missing, never over a file that is there.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT, readTree, tempDir, writeTree } from "../support/run";
import { cli } from "./helpers";

const VERSION = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;
const TEMPLATE_CONFIG = fs.readFileSync(path.join(PROJECT_ROOT, "templates", "config", "mailgate.yaml"), "utf8");
const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)\n/;

const WRITTEN = [
  "package.json",
  "config/mailgate.yaml",
  "cdktf.json",
  ".gitignore",
  ".github/workflows/mailgate.yml",
  ".github/workflows/hubspot-ranges.yml",
];

async function init(dir: string, cwd = dir) {
  return await cli(["init", ...(dir === cwd ? [] : [path.relative(cwd, dir) || "."])], { cwd, env: {} });
}

/** `mailgate validate` of a config directory, artifacts in a scratch directory. */
async function validate(configDir: string) {
  return await cli(["validate", "--config", configDir, "--out", tempDir("mailgate-init-out-")], { env: {} });
}

/** The starter config with its example uncommented, as an editor's "toggle comment" leaves it. */
function uncommented(text: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf("# domains:");
  expect(start).toBeGreaterThan(0);
  return [...lines.slice(0, start), ...lines.slice(start).map((line) => line.replace(/^# ?/, ""))].join("\n");
}

describe("mailgate init", () => {
  test("GIVEN an empty directory WHEN init THEN it writes the package, a config, cdktf.json, .gitignore and both workflows, and says so", async () => {
    const dir = tempDir("mailgate-init-");
    const result = await init(dir);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n").filter((line) => line.startsWith("  "))).toEqual(WRITTEN.map((file) => `  wrote ${file}`));
    expect(Object.keys(readTree(dir)).sort()).toEqual([...WRITTEN].sort());
    expect(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))).toEqual({
      name: path.basename(dir).toLowerCase(),
      private: true,
      devDependencies: { mailgate: VERSION },
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, "cdktf.json"), "utf8")).app).toBe("npx --no mailgate synth");
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8").split("\n")).toEqual(
      expect.arrayContaining(["cdktf.out/", ".terraform/", "terraform.*.tfstate*", "node_modules/"]),
    );
    expect(result.stdout).toContain("npx mailgate validate");
  });

  test("GIVEN the starter config WHEN validated THEN valid without a warning; its schema line names the schema where npm i -D mailgate puts it", async () => {
    const dir = tempDir("mailgate-init-");
    await init(dir);
    const text = fs.readFileSync(path.join(dir, "config", "mailgate.yaml"), "utf8");
    expect(SCHEMA_LINE.exec(text)?.[1]).toBe("../node_modules/mailgate/schema/mailgate-config.schema.json");
    expect(await validate(path.join(dir, "config"))).toEqual({ status: 0, stdout: `${path.join(dir, "config")}: valid\n`, stderr: "" });
  });

  test("GIVEN the starter config's example uncommented THEN it validates too, without a warning", async () => {
    const config = writeTree({ "mailgate.yaml": uncommented(TEMPLATE_CONFIG) });
    expect(uncommented(TEMPLATE_CONFIG)).toMatch(/^domains:\n {2}- domain: example\.com/m);
    expect(uncommented(TEMPLATE_CONFIG)).toMatch(/^firewalls:\n {2}mail-use1:/m);
    expect(await validate(config)).toEqual({ status: 0, stdout: `${config}: valid\n`, stderr: "" });
  });

  test("GIVEN a directory below the npm project whose node_modules holds mailgate WHEN init THEN the schema line climbs to that installed package", async () => {
    const root = writeTree({ "package.json": "{}\n", "node_modules/mailgate/schema/mailgate-config.schema.json": "{}\n" });
    const team = path.join(root, "infra", "mail");
    const result = await init(team, root);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("  wrote infra/mail/config/mailgate.yaml\n");
    const declared = SCHEMA_LINE.exec(fs.readFileSync(path.join(team, "config", "mailgate.yaml"), "utf8"))?.[1];
    expect(declared).toBe("../../../node_modules/mailgate/schema/mailgate-config.schema.json");
    expect(fs.existsSync(path.resolve(team, "config", declared!))).toBe(true);
  });

  test("GIVEN init has run WHEN it runs again THEN every file is kept byte for byte and listed as kept, exit 0", async () => {
    const dir = tempDir("mailgate-init-");
    await init(dir);
    const before = readTree(dir);
    const again = await init(dir);
    expect(again.status).toBe(0);
    expect(again.stderr).toBe("");
    expect(again.stdout.split("\n").filter((line) => line.startsWith("  "))).toEqual(WRITTEN.map((file) => `  kept  ${file}`));
    expect(readTree(dir)).toEqual(before);
  });

  test("GIVEN a team's own files WHEN init THEN none is changed: config/ with YAML gets no starter beside it, a foreign cdktf.json and package.json are kept with a note", async () => {
    const files = {
      "package.json": '{ "name": "team", "devDependencies": { "left-pad": "1.3.0" } }\n',
      "cdktf.json": '{ "app": "npx ts-node main.ts" }\n',
      "config/domains.yaml": "domains: []\n",
      ".github/workflows/mailgate.yml": "name: ours\n",
    };
    const dir = writeTree(files);
    const result = await init(dir);
    expect(result.status).toBe(0);
    const after = readTree(dir);
    for (const [file, text] of Object.entries(files)) expect(after[file], file).toBe(text);
    expect(after["config/mailgate.yaml"]).toBeUndefined();
    expect(result.stdout).toContain("  kept  config/ (1 config file)\n");
    expect(result.stdout).toContain("  kept  cdktf.json (its app is npx ts-node main.ts; mailgate's is npx --no mailgate synth)\n");
    expect(result.stdout).toContain(`  kept  package.json (it does not list mailgate: npm i -D mailgate@${VERSION})\n`);
    expect(result.stdout).toContain("  kept  .github/workflows/mailgate.yml\n");
    expect(result.stdout).toContain("  wrote .github/workflows/hubspot-ranges.yml\n");
  });

  test("GIVEN a .gitignore with some of the entries WHEN init THEN only the missing ones are appended, after the team's lines untouched", async () => {
    const dir = writeTree({ ".gitignore": "# ours\n/node_modules\ndist\n.terraform" });
    const result = await init(dir);
    expect(result.stdout).toContain("  added .gitignore: cdktf.out/, terraform.*.tfstate*\n");
    expect(fs.readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe(
      "# ours\n/node_modules\ndist\n.terraform\n\n# mailgate init: outputs that synth, terraform and npm ci recreate, and local Terraform state\ncdktf.out/\nterraform.*.tfstate*\n",
    );
    expect((await init(dir)).stdout).toContain("  kept  .gitignore\n");
  });

  test("GIVEN a package.json that lists mailgate (as npm i -D of a tarball writes it) WHEN init THEN it is kept without a note", async () => {
    const dir = writeTree({ "package.json": '{ "devDependencies": { "mailgate": "file:mailgate-0.2.0.tgz" } }\n' });
    expect((await init(dir)).stdout).toContain("  kept  package.json\n");
  });

  test("GIVEN a file where the directory should be WHEN init THEN exit 2 naming it, nothing written", async () => {
    const root = writeTree({ "team.txt": "x\n" });
    const result = await init(path.join(root, "team.txt"), root);
    expect(result).toEqual({
      status: 2,
      stdout: "",
      stderr: "mailgate: team.txt is a file, not a directory\nhint: name the directory of your repository (mailgate init [dir])\n(mailgate init --help shows the usage)\n",
    });
  });

  test("GIVEN init --help THEN its usage, what it writes and its exit codes", async () => {
    const result = await cli(["init", "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("Usage: mailgate init [dir]");
    expect(result.stdout).toContain("never overwrites");
    expect((await cli(["--help"])).stdout).toMatch(/^ {2}init /m);
  });
});
