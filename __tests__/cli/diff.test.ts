import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { readTree, runTs, tempDir, writeTree } from "../support/run";
import { cli, configDir, NEW_DOMAIN_YAML } from "./helpers";

function git(repo: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, stdio: "pipe" });
}

/** A throwaway repository with `config/` committed, so tests never depend on this repo's history. */
function repoWithConfig(): string {
  const repo = tempDir("mailgate-repo-");
  git(repo, "init", "-q", "-b", "main");
  configDir({}, path.join(repo, "config"));
  git(repo, "add", "config");
  git(repo, "commit", "-q", "-m", "config");
  return repo;
}

const ADDED_CIDRS = ["54.174.62.128/26", "54.174.62.192/30", "141.193.184.0/27", "141.193.185.0/27", "143.244.82.12/30", "143.244.87.0/25"];

describe("mailgate diff", () => {
  test("GIVEN two config directories, head adding a domain on a new port WHEN diffed THEN Markdown names the domain, port and CIDRs; nothing is written", async () => {
    const base = configDir();
    const head = configDir({ "domains/new.yaml": NEW_DOMAIN_YAML });
    const cwd = tempDir();
    const trees = [readTree(base), readTree(head)];
    const result = await cli(["diff", base, head], { cwd });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^## mailgate: firewall changes\n/);
    expect(result.stdout).toContain("### mail-use1 (us-east-1)");
    for (const cidr of ADDED_CIDRS) expect(result.stdout).toContain(`| tcp/2525 | ${cidr} | SMTP |`);
    expect(result.stdout).toContain("- tcp/2525 SMTP: domains added example.org;");
    expect(result.stdout).toContain("| example.org | added | Settings: IMAP; Incoming Mail (IMAP) server: mail.example.org;");
    expect(result.stdout).not.toContain("exchange-dmz");
    expect([readTree(base), readTree(head)]).toEqual(trees);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test("GIVEN --max-chars smaller than the diff WHEN diffed THEN the Markdown is cut at a line, fits, and says how much is left out", async () => {
    const base = configDir();
    const head = configDir({ "domains/new.yaml": NEW_DOMAIN_YAML });
    const full = (await cli(["diff", base, head])).stdout;
    expect(full.length).toBeGreaterThan(800);
    const result = await cli(["diff", "--max-chars", "800", base, head]);
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeLessThanOrEqual(800);
    const cut = result.stdout.indexOf("\n---\n\n**Truncated**");
    const kept = result.stdout.slice(0, cut);
    const note = result.stdout.slice(cut + "\n---\n\n".length);
    expect(full.startsWith(kept)).toBe(true);
    const hidden = full.slice(kept.length).replace(/\n$/, "").split("\n").length;
    expect(note).toBe(`**Truncated**: ${hidden} more lines not shown, to fit a pull-request comment. Run \`npm run diff -- ${base} ${head}\` for all of it.\n`);
    // A limit the diff fits in changes nothing.
    expect((await cli(["diff", "--max-chars", String(full.length), base, head])).stdout).toBe(full);
  });

  test.each([
    [["diff", "--max-chars", "10", "a", "b"], /--max-chars needs a whole number of at least 500, got "10"/],
    [["diff", "--max-chars", "many", "a", "b"], /--max-chars needs a whole number/],
    [["validate", "--max-chars", "1000"], /validate does not take --max-chars/],
  ])("GIVEN %j WHEN run THEN exit 2 with a usage message", async (args, message) => {
    const result = await cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test("GIVEN git:HEAD and the working tree with a new domain WHEN diffed in that repo THEN the committed config is the base", async () => {
    const repo = repoWithConfig();
    fs.writeFileSync(path.join(repo, "config", "domains", "new.yaml"), NEW_DOMAIN_YAML);
    const result = await cli(["diff", "git:HEAD", "config"], { cwd: repo, env: {} });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Base: `git:HEAD`, head: `config`.");
    expect(result.stdout).toContain("Firewall rules: 6 added, 0 removed, 0 changed on 1 target.");
    for (const cidr of ADDED_CIDRS) expect(result.stdout).toContain(`| tcp/2525 | ${cidr} | SMTP |`);
  });

  test("GIVEN the same ref on both sides WHEN diffed THEN No changes, and the temporary copies are gone", async () => {
    const repo = repoWithConfig();
    // A temporary directory of this test's own: other test files (and other runs) make copies too.
    const own = tempDir();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = own;
    let result;
    try {
      expect(os.tmpdir()).toBe(own);
      result = await cli(["diff", "git:main", "git:HEAD"], { cwd: repo });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(result.stdout).toContain("No changes.");
    expect(result.status).toBe(0);
    // The helper's own artifacts directory is made there too; only diff's copies must be gone.
    expect(fs.readdirSync(own).filter((f) => !f.startsWith("mailgate-out-"))).toEqual([]);
  });

  test("GIVEN MAILGATE_CONFIG names another directory WHEN a git ref is read THEN that directory is read at the ref", async () => {
    const repo = repoWithConfig();
    writeTree({ "mail/firewalls.yaml": fs.readFileSync(path.join(repo, "config", "firewalls.yaml"), "utf8"), "mail/domains.yaml": NEW_DOMAIN_YAML }, repo);
    git(repo, "add", "mail");
    git(repo, "commit", "-q", "-m", "mail");
    const result = await cli(["diff", "git:HEAD", "config"], { cwd: repo, env: { MAILGATE_CONFIG: "mail" } });
    expect(result.status).toBe(0);
    // Base has only example.org (port 2525); head (config/) has example.com and the Exchange domain.
    expect(result.stdout).toContain("| tcp/2525 | 143.244.87.0/25 | SMTP |");
    expect(result.stdout).toContain("| example.org | removed |");
  });

  test("GIVEN an unknown ref WHEN diffed THEN exit 2 with a clear message", async () => {
    const repo = repoWithConfig();
    const result = await cli(["diff", "git:no-such-branch", "config"], { cwd: repo });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('mailgate: unknown git ref "no-such-branch"');
    expect(result.stdout).toBe("");
  });

  test("GIVEN a directory outside any git repository WHEN a git ref is asked for THEN exit 2", async () => {
    const result = await cli(["diff", "git:HEAD", configDir()], { cwd: tempDir("mailgate-nogit-") });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("is not inside a git repository");
  });

  test("GIVEN a head ref without the config directory WHEN diffed THEN exit 1 saying so", async () => {
    const repo = repoWithConfig();
    const result = await cli(["diff", "config", "git:HEAD"], { cwd: repo, env: { MAILGATE_CONFIG: "elsewhere" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("there is no config directory elsewhere at git ref HEAD");
  });

  test("GIVEN a base ref without the config directory (the first pull request) WHEN diffed THEN every rule is added", async () => {
    const repo = repoWithConfig();
    const result = await cli(["diff", "git:HEAD", "config"], { cwd: repo, env: { MAILGATE_CONFIG: "elsewhere" } });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Base: `git:HEAD (no config there: an empty config)`");
    expect(result.stdout).toMatch(/Firewall rules: \d+ added, 0 removed, 0 changed/);
    expect(result.stdout).toContain("new stack, starting from empty state");
  });

  test("GIVEN an invalid config committed at the ref WHEN diffed THEN exit 1 with diagnostics at <ref>:config/<file>", async () => {
    const repo = repoWithConfig();
    fs.writeFileSync(path.join(repo, "config", "domains", "bad.yaml"), "domains:\n  - domain: example.net\n    imap: { incoming: { host: x.example.net } }\n");
    git(repo, "add", "config");
    git(repo, "commit", "-q", "-m", "bad");
    fs.rmSync(path.join(repo, "config", "domains", "bad.yaml"));
    const result = await cli(["diff", "git:HEAD", "config"], { cwd: repo });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^HEAD:config\/domains\/bad\.yaml:\d+:\d+: error /m);
    expect(result.stderr).not.toContain(os.tmpdir());
    expect(result.stdout).toBe("");
  });

  test("GIVEN a committed config file over the size limit WHEN diffed at that ref THEN exit 1 with FILE_TOO_LARGE at <ref>:config/<file>", async () => {
    const repo = repoWithConfig();
    fs.writeFileSync(path.join(repo, "config", "huge.yaml"), `# ${"x".repeat(3 * 1024 * 1024)}\n`);
    git(repo, "add", "config");
    git(repo, "commit", "-q", "-m", "huge");
    const result = await cli(["diff", "git:HEAD", "git:HEAD"], { cwd: repo });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^HEAD:config\/huge\.yaml:1:1: error FILE_TOO_LARGE: /m);
  });

  test("GIVEN an invalid plain directory on the head side WHEN diffed THEN exit 1 with its diagnostics", async () => {
    const head = configDir({ "domains/bad.yaml": "domains:\n  - domain: example.com\n    exchange: { url: https://mail.example.com/EWS/Exchange.asmx }\n" });
    const result = await cli(["diff", configDir(), head]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${head}/domains/bad.yaml:`);
  });

  test("npm run diff's command works as a separate process and prints to stdout", () => {
    const repo = repoWithConfig();
    fs.writeFileSync(path.join(repo, "config", "domains", "new.yaml"), NEW_DOMAIN_YAML);
    const result = runTs("lib/cli.ts", ["diff", "git:HEAD", "config"], { cwd: repo, env: { MAILGATE_CONFIG: undefined } });
    expect([result.status, result.stderr]).toEqual([0, ""]);
    expect(result.stdout).toContain("| tcp/2525 | 143.244.87.0/25 | SMTP |");
  });
});
