import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "./support/run";

interface Step {
  name?: string;
  env?: Record<string, string>;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
}
interface Job {
  needs?: string | string[];
  if?: string;
  env?: Record<string, string>;
  permissions?: Record<string, string>;
  strategy?: { matrix: Record<string, unknown> };
  steps: Step[];
}

const workflow = parse(fs.readFileSync(path.join(PROJECT_ROOT, ".github/workflows/mailgate.yml"), "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};
const scripts = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const allSteps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = allSteps.flatMap((step) => (step.run ? [step.run] : []));

describe("the CI workflow teams adopt", () => {
  test("runs on pull requests", () => {
    expect(Object.keys(workflow.on)).toContain("pull_request");
  });

  test("every npm script it calls exists and is one the README shows", () => {
    const called = runs.flatMap((run) => [...run.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]));
    expect(new Set(called)).toEqual(new Set(["validate", "synth", "check", "diff"]));
    for (const script of called) {
      expect(scripts[script], script).toBeDefined();
      expect(readme, script).toContain(`npm run ${script}`);
    }
  });

  test("validates with GitHub annotations, then checks the committed generated/ before synth rewrites it", () => {
    const order = ["validate -- --format github", "npm run check", "npm run synth"].map((needle) => runs.findIndex((run) => run.includes(needle)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("synthesizes and plans with the read-only plan roles, never the deploy roles", () => {
    const synth = workflow.jobs.review.steps.find((step) => step.run === "npm run synth");
    expect(synth?.env?.MAILGATE_ASSUME).toBe("plan");
    expect(workflow.jobs.plan.env?.MAILGATE_ASSUME).toBe("plan");
  });

  test("a config without stacks skips the plan job instead of failing on an empty matrix", () => {
    expect(workflow.jobs.plan.if).toBe("needs.review.outputs.any == 'true'");
    const list = workflow.jobs.review.steps.find((step) => step.name === "List stacks for the plan matrix");
    expect(list?.run).toContain('echo "any=false"');
  });

  test("posts the audit diff against the base branch on pull requests", () => {
    const diff = allSteps.find((step) => step.run?.includes("npm run --silent diff -- --max-chars 60000 \"git:origin/${{ github.base_ref }}\" config"));
    expect(diff?.if).toBe("github.event_name == 'pull_request'");
    const post = allSteps.find((step) => step.uses?.startsWith("marocchino/sticky-pull-request-comment@"));
    expect(post?.with?.path).toBe("mailgate-diff.md");
    expect(workflow.jobs.review.permissions?.["pull-requests"]).toBe("write");
    const checkout = workflow.jobs.review.steps.find((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with?.["fetch-depth"]).toBe(0);
  });

  test("plans each synthesized stack with Terraform and OIDC credentials", () => {
    const plan = workflow.jobs.plan;
    expect(plan.needs).toBe("review");
    expect(plan.permissions?.["id-token"]).toBe("write");
    expect(plan.strategy?.matrix.stack).toBe("${{ fromJSON(needs.review.outputs.stacks) }}");
    const uses = plan.steps.map((step) => step.uses?.split("@")[0]);
    expect(uses).toEqual(expect.arrayContaining(["hashicorp/setup-terraform", "aws-actions/configure-aws-credentials"]));
    const credentials = plan.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(credentials?.with?.["role-to-assume"]).toBe("${{ vars.AWS_PLAN_ROLE_ARN }}");
    // mailgate plan (synth, then Terraform itself): exit 2 means changes, which is no failure.
    expect(plan.steps.some((step) => step.run === 'npx --no mailgate plan "${{ matrix.stack }}" || [ $? -eq 2 ]')).toBe(true);
    expect(plan.steps.some((step) => step.run?.includes("cdktf plan"))).toBe(false);
  });

  /**
   * Runs a plan step's script as GitHub runs it (bash -e -o pipefail), the matrix stack filled in,
   * with an `npx` that records its arguments and exits `code`, in a folder whose
   * generated/placements.json has `leaving` or not.
   */
  function runPlanStep(name: string, code: number, leaving: boolean): { status: number | null; calls: string[] } {
    const step = workflow.jobs.plan.steps.find((s) => s.name === name);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-workflow-"));
    try {
      fs.mkdirSync(path.join(dir, "bin"));
      fs.writeFileSync(path.join(dir, "bin", "npx"), `#!/bin/sh\necho "$*" >> "${dir}/calls"\nexit ${code}\n`, { mode: 0o755 });
      fs.mkdirSync(path.join(dir, "generated"));
      fs.writeFileSync(path.join(dir, "generated", "placements.json"), JSON.stringify(leaving ? { leaving: { "mail-use1": {} } } : {}));
      const script = (step?.run ?? "false").split("${{ matrix.stack }}").join("mailgate-us-east-1");
      const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
        cwd: dir,
        env: { ...process.env, PATH: `${path.join(dir, "bin")}${path.delimiter}${process.env.PATH ?? ""}` },
        encoding: "utf8",
      });
      const calls = fs.existsSync(path.join(dir, "calls")) ? fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n") : [];
      return { status: result.status, calls };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test.each([
    [0, "no changes", 0],
    [2, "changes", 0],
    [1, "an error", 1],
  ])("GIVEN mailgate plan exits %i (%s) WHEN the plan step runs THEN the step exits %i", (code, _, status) => {
    const result = runPlanStep("Plan ${{ matrix.stack }}", code, false);
    expect(result.calls).toEqual(["--no mailgate plan mailgate-us-east-1"]);
    expect(result.status).toBe(status);
  });

  test.each([
    [true, 2, ["--no mailgate plan --phase expand mailgate-us-east-1"], 0],
    [true, 1, ["--no mailgate plan --phase expand mailgate-us-east-1"], 1],
    [false, 1, [], 0],
  ])("GIVEN rules leaving: %s and mailgate plan exiting %i WHEN the expand step runs THEN it plans the expand phase only when rules leave", (leaving, code, calls, status) => {
    const result = runPlanStep("Plan ${{ matrix.stack }}, first of two applies (expand), when rules leave", code, leaving);
    expect(result.calls).toEqual(calls);
    expect(result.status).toBe(status);
  });

  test("after merge, applies every stack in two phases: expand with MAILGATE_PHASE=expand, then contract, never on pull requests, never cancelled", () => {
    const expand = workflow.jobs["apply-expand"];
    const contract = workflow.jobs["apply-contract"];
    expect(expand?.if).toBe("github.event_name == 'push' && needs.review.outputs.any == 'true'");
    expect(contract?.needs).toEqual(["review", "apply-expand"]);
    const applyStep = (job: Job | undefined) => job?.steps.find((step) => step.run?.includes("terraform -chdir"));
    expect(applyStep(expand)?.env?.MAILGATE_PHASE).toBe("expand");
    expect(applyStep(contract)?.env?.MAILGATE_PHASE).toBeUndefined();
    for (const job of [expand, contract]) {
      const run = applyStep(job)?.run ?? "";
      expect(run.indexOf("npm run synth")).toBeLessThan(run.indexOf("terraform -chdir=\"cdktf.out/stacks/$STACK\" apply"));
      const credentials = job?.steps.find((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials@"));
      expect(credentials?.with?.["role-to-assume"]).toBe("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    }
    expect(String((workflow as unknown as { concurrency: Record<string, unknown> }).concurrency["cancel-in-progress"])).toBe("${{ github.event_name == 'pull_request' }}");
  });

  test("the stack list step reads the names cdktf wrote to its manifest", () => {
    const list = workflow.jobs.review.steps.find((step) => step.name === "List stacks for the plan matrix");
    expect(list?.run).toContain("cdktf.out/manifest.json");
  });

  test.each([
    ["two stacks, one of them emptied", { "mailgate-us-east-1": {}, "mailgate-eu-central-1": {} }, '["mailgate-eu-central-1","mailgate-us-east-1"]', "true"],
    ["no stacks", {}, "[]", "false"],
  ])("GIVEN a manifest with %s WHEN the stack list step runs THEN it outputs them sorted and whether to plan", (_, stacks, list, any) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-workflow-"));
    try {
      fs.mkdirSync(path.join(dir, "cdktf.out"));
      fs.writeFileSync(path.join(dir, "cdktf.out", "manifest.json"), JSON.stringify({ version: "0.21.0", stacks }));
      const output = path.join(dir, "output");
      const step = workflow.jobs.review.steps.find((s) => s.name === "List stacks for the plan matrix");
      execFileSync("bash", ["-euo", "pipefail", "-c", step?.run ?? "false"], { cwd: dir, env: { ...process.env, GITHUB_OUTPUT: output } });
      expect(fs.readFileSync(output, "utf8")).toBe(`stacks=${list}\nany=${any}\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([".github/workflows/mailgate.yml", "templates/workflows/mailgate.yml"])(
    "%s: every job that runs mailgate restores its cache folder before the first mailgate step; only the review job saves it",
    (file) => {
      const jobs = (parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")) as { jobs: Record<string, Job> }).jobs;
      // The folder lib/config/reading-cache.ts uses on a runner (no XDG_CACHE_HOME there).
      expect(readme).toContain("`~/.cache/mailgate`");
      const runsMailgate = (step: Step) => /npm run (?:--silent )?(?:validate|check|diff|synth)|mailgate (?:validate|check|diff|synth|plan)/.test(step.run ?? "");
      const withMailgate = Object.entries(jobs).filter(([, job]) => job.steps.some(runsMailgate));
      expect(withMailgate.map(([name]) => name).sort()).toEqual(["apply-contract", "apply-expand", "plan", "review"]);
      for (const [name, job] of withMailgate) {
        const cache = job.steps.findIndex((step) => /^actions\/cache(\/restore)?@/.test(step.uses ?? ""));
        expect(cache, name).toBeGreaterThanOrEqual(0);
        expect(cache, name).toBeLessThan(job.steps.findIndex(runsMailgate));
        expect(job.steps[cache].with?.path, name).toBe("~/.cache/mailgate");
        expect(String(job.steps[cache].with?.["restore-keys"]), name).toBe("mailgate-${{ runner.os }}-");
        expect(job.steps[cache].uses?.split("@")[0], name).toBe(name === "review" ? "actions/cache" : "actions/cache/restore");
      }
    },
  );
});
