// The scheduled workflow's shell steps, run here with stand-ins for `npx` and `gh`: which exit
// codes fail the job, and when an issue is opened, commented on, left alone or closed.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { NETWORK_ORIGINS_URL } from "../../lib/ranges/published";
import { PROJECT_ROOT, tempDir } from "../support/run";

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly if?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
const workflow = parse(fs.readFileSync(path.join(PROJECT_ROOT, ".github/workflows/hubspot-ranges.yml"), "utf8")) as {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  env: Record<string, string>;
  jobs: { check: { permissions: Record<string, string>; steps: Step[] } };
};
const steps = workflow.jobs.check.steps;
const step = (name: string) => {
  const found = steps.find((s) => s.name === name || s.id === name);
  if (!found?.run) throw new Error(`no step ${name}`);
  return found;
};

const hasTools = ["bash", "jq"].every((tool) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0);

/** Runs a step's script as GitHub does (bash -e -o pipefail) in `dir`, with stand-ins on the PATH. */
function runStep(name: string, dir: string, env: Record<string, string> = {}) {
  const bin = path.join(dir, "bin");
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step(name).run!], {
    cwd: dir,
    env: {
      PATH: `${bin}:${process.env.PATH}`,
      GITHUB_OUTPUT: path.join(dir, "github-output"),
      ISSUE_TITLE: workflow.env.ISSUE_TITLE,
      RUN_URL: "https://github.example/run/1",
      STUB_LOG: path.join(dir, "gh.log"),
      ...env,
    },
    encoding: "utf8",
  });
  const read = (file: string) => (fs.existsSync(path.join(dir, file)) ? fs.readFileSync(path.join(dir, file), "utf8") : "");
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: read("github-output"), gh: read("gh.log") };
}

/** A directory with `npx` answering `report` and `code`, and a `gh` that logs and answers from files. */
function sandbox(npx: { code: number; report: string }, gh: { issues?: unknown[]; view?: unknown } = {}) {
  const dir = tempDir("mailgate-workflow-");
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(dir, "report.txt"), npx.report);
  fs.writeFileSync(path.join(bin, "npx"), `#!/bin/sh\necho "$*" > npx.args\ncat report.txt\nexit ${npx.code}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "issues.json"), JSON.stringify(gh.issues ?? []));
  fs.writeFileSync(path.join(dir, "view.json"), JSON.stringify(gh.view ?? { body: "", comments: [] }));
  fs.writeFileSync(
    path.join(bin, "gh"),
    `#!/bin/bash
printf '%s\\n' "$*" >> "$STUB_LOG"
jq_expr=""; previous=""
for argument in "$@"; do [ "$previous" = "--jq" ] && jq_expr="$argument"; previous="$argument"; done
case "$1 $2" in
  "issue list") jq -r "$jq_expr" issues.json ;;
  "issue view") jq -r "$jq_expr" view.json ;;
esac
`,
    { mode: 0o755 },
  );
  return dir;
}

describe("the scheduled hubspot-ranges workflow", () => {
  test("GIVEN the workflow WHEN read THEN it runs daily and by hand, may write issues only, fetches the endpoint with curl -f and runs the project's own mailgate", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.check.permissions).toEqual({ contents: "read", issues: "write" });
    expect(steps.find((s) => s.uses === "actions/setup-node@v4")?.with?.["node-version"]).toBe(24);
    expect(steps.map((s) => s.run).filter(Boolean)[0]).toBe("npm ci");
    expect(step("Fetch HubSpot's published ranges").run).toContain(`curl -fsS --retry 3 --retry-all-errors --max-time 60 ${NETWORK_ORIGINS_URL} -o ranges.json`);
    expect(step("check").run).toContain("npx --no mailgate ranges check ranges.json --format text > report.md");
    expect(step("Open or update the issue").if).toBe("steps.check.outputs.code == '1'");
    expect(step("Close the issue once the catalog matches").if).toBe("steps.check.outputs.code == '0'");
  });

  test.skipIf(!hasTools).each([
    [0, "fine\n", 0],
    [1, "a difference\n", 0],
    [2, "", 2],
    [70, "", 70],
  ])("GIVEN mailgate exits %i WHEN the check step runs THEN the step exits %i, recording the code", (code, report, stepStatus) => {
    const dir = sandbox({ code, report });
    const result = runStep("check", dir);
    expect(result.status).toBe(stepStatus);
    expect(result.output).toBe(`code=${code}\n`);
    expect(fs.readFileSync(path.join(dir, "report.md"), "utf8")).toBe(report);
    expect(fs.readFileSync(path.join(dir, "npx.args"), "utf8")).toBe("--no mailgate ranges check ranges.json --format text\n");
  });

  test.skipIf(!hasTools)("GIVEN mailgate exits 1 without a report (an invalid config) WHEN the check step runs THEN the job fails instead of opening an empty issue", () => {
    const result = runStep("check", sandbox({ code: 1, report: "" }));
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("::error::mailgate ranges check exited 1 without a report");
  });

  test.skipIf(!hasTools)("GIVEN no open issue of that title WHEN the issue step runs THEN one is created with the report in a fenced block", () => {
    const dir = sandbox({ code: 1, report: "" }, { issues: [{ number: 3, title: "Something else" }] });
    fs.writeFileSync(path.join(dir, "report.md"), "Stale: ...\n");
    const result = runStep("Open or update the issue", dir);
    expect(result.status).toBe(0);
    expect(result.gh.split("\n").filter(Boolean).at(-1)).toBe(`issue create --title ${workflow.env.ISSUE_TITLE} --body-file body.md`);
    const body = fs.readFileSync(path.join(dir, "body.md"), "utf8");
    expect(body).toMatch(/^<!-- mailgate-ranges-report [0-9a-f]{64} -->\n/);
    expect(body).toContain("```text\nStale: ...\n```\n");
    expect(body).toContain("https://github.example/run/1");
  });

  test.skipIf(!hasTools)("GIVEN the open issue's last post shows this report WHEN the issue step runs THEN nothing is posted; another report is commented", () => {
    const first = sandbox({ code: 1, report: "" }, { issues: [] });
    fs.writeFileSync(path.join(first, "report.md"), "Stale: A\n");
    runStep("Open or update the issue", first);
    const posted = fs.readFileSync(path.join(first, "body.md"), "utf8");
    const issues = [{ number: 9, title: workflow.env.ISSUE_TITLE }];

    const same = sandbox({ code: 1, report: "" }, { issues, view: { body: "older", comments: [{ body: posted }] } });
    fs.writeFileSync(path.join(same, "report.md"), "Stale: A\n");
    const unchanged = runStep("Open or update the issue", same);
    expect(unchanged.status).toBe(0);
    expect(unchanged.stdout).toContain("Issue #9 already shows this report.");
    expect(unchanged.gh).not.toMatch(/issue (create|comment)/);

    const other = sandbox({ code: 1, report: "" }, { issues, view: { body: posted, comments: [] } });
    fs.writeFileSync(path.join(other, "report.md"), "Stale: B\n");
    const changed = runStep("Open or update the issue", other);
    expect(changed.status).toBe(0);
    expect(changed.gh.split("\n").filter(Boolean).at(-1)).toBe("issue comment 9 --body-file body.md");
  });

  test.skipIf(!hasTools)("GIVEN an open issue WHEN the catalog matches again THEN it is closed; without one nothing happens", () => {
    const open = runStep("Close the issue once the catalog matches", sandbox({ code: 0, report: "" }, { issues: [{ number: 4, title: workflow.env.ISSUE_TITLE }] }));
    expect(open.status).toBe(0);
    expect(open.gh).toMatch(/^issue close 4 --comment /m);
    const none = runStep("Close the issue once the catalog matches", sandbox({ code: 0, report: "" }, { issues: [] }));
    expect(none.status).toBe(0);
    expect(none.gh).not.toContain("issue close");
  });
});
