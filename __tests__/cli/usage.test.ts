import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "../support/run";
import { cli, cliAsync } from "./helpers";

const VERSION = (JSON.parse(fs.readFileSync(`${PROJECT_ROOT}/package.json`, "utf8")) as { version: string }).version;

describe("the command line as a new user meets it", () => {
  test("GIVEN --help THEN every command and synth are listed, with where to find each command's options", async () => {
    const result = await cli(["--help"]);
    expect(result.status).toBe(0);
    for (const command of ["validate", "check", "diff", "retire", "synth", "ranges"]) expect(result.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    expect(result.stdout).toContain("mailgate <command> --help");
  });

  test.each(["validate", "check", "diff", "retire"])("GIVEN %s --help THEN its own usage and options, exit 0", async (command) => {
    const result = await cli([command, "--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n")[0]).toMatch(new RegExp(`^Usage: mailgate ${command} `));
    expect(result.stdout).toContain("Exit codes:");
  });

  test("GIVEN --version THEN the package's version", async () => {
    expect(await cli(["--version"])).toEqual({ status: 0, stdout: `mailgate ${VERSION}\n`, stderr: "" });
  });

  test.each([
    [["valdate"], 'mailgate: unknown command "valdate"\nhint: did you mean `mailgate validate`?\n(mailgate --help shows the usage)\n', {}],
    [[], "mailgate: no command given\nhint: mailgate validate checks config/; mailgate --help lists the commands\n(mailgate --help shows the usage)\n", {}],
    [
      ["validate", "json"],
      'mailgate: unexpected argument "json"\nhint: npm kept --format for itself: put -- before mailgate\'s options, as in npm run validate -- --format json\n(mailgate validate --help shows the usage)\n',
      // What `npm run validate --format json` leaves: npm's own setting, and the value as an argument.
      { npm_config_format: "json" },
    ],
    [["validate", "--format", "xml"], 'mailgate: unknown format "xml"\nhint: use one of text, json, github\n(mailgate validate --help shows the usage)\n', {}],
  ])("GIVEN %j THEN exit 2 with one short paragraph and the one relevant hint, never the whole help", async (args, stderr, env) => {
    expect(await cli(args, { env })).toEqual({ status: 2, stdout: "", stderr });
  });

  test("GIVEN diff HEAD config (a ref without git:) THEN exit 2 with the did-you-mean", async () => {
    const result = await cli(["diff", "HEAD", "config"], { cwd: PROJECT_ROOT });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("hint: did you mean git:HEAD (the config directory as committed at HEAD)?");
  });

  test("GIVEN the mailgate bin run from outside the project THEN it works as inside (nothing resolved from the user's directory)", () => {
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "mailgate.js"), "validate", "--config", "config", "--out", "generated"], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CI: "" },
      encoding: "utf8",
    });
    expect([result.status, result.stderr, result.stdout]).toEqual([0, "", "config: valid\n"]);
    const outside = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "bin", "mailgate.js"), "--version"], { cwd: "/", encoding: "utf8" });
    expect([outside.status, outside.stdout]).toEqual([0, `mailgate ${VERSION}\n`]);
  });

  test("GIVEN npx mailgate inside the project THEN the bin runs", () => {
    const result = spawnSync("npx", ["mailgate", "--version"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
    expect([result.status, result.stdout]).toEqual([0, `mailgate ${VERSION}\n`]);
  });
});

describe("commands loaded on use", () => {
  test("GIVEN ranges check in-process THEN the ranges command runs (exit 2 for a missing file, one paragraph)", async () => {
    const result = await cliAsync(["ranges", "check", "/nonexistent/ranges.json"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("/nonexistent/ranges.json");
  });
});
