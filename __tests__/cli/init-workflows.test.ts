// The workflows `mailgate init` writes into a team's repository (templates/workflows/): they run
// the installed package (`npx --no mailgate`), never this repository's npm scripts or sources,
// and their shell steps do what the comments say, run here with a stand-in for npx.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT, tempDir } from "../support/run";
import { cliSync } from "./helpers";

interface Step {
  name?: string;
  id?: string;
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
  steps: Step[];
}
interface Workflow {
  on: Record<string, { paths?: string[] } | null>;
  jobs: Record<string, Job>;
}

const read = (file: string) => parse(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")) as Workflow;
const mailgate = read("templates/workflows/mailgate.yml");
const ranges = read("templates/workflows/hubspot-ranges.yml");
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = (workflow: Workflow) => steps(workflow).flatMap((step) => (step.run ? [step.run] : []));

/** The commands `mailgate --help` lists. */
const COMMANDS = [...cliSync(["--help"]).stdout.matchAll(/^ {2}([\w-]+) /gm)].map((m) => m[1]);

/** Runs a step's script as GitHub does (bash -e -o pipefail) with an `npx` that logs and exits `code`. */
function runStep(step: Step, env: Record<string, string>, options: { code: number; leaving?: boolean }) {
  const dir = tempDir("mailgate-workflow-");
  fs.mkdirSync(path.join(dir, "bin"));
  fs.mkdirSync(path.join(dir, "generated"));
  fs.writeFileSync(path.join(dir, "generated", "placements.json"), JSON.stringify(options.leaving ? { leaving: { t: [] } } : {}));
  fs.writeFileSync(path.join(dir, "bin", "npx"), `#!/bin/sh\necho "MAILGATE_PHASE=$MAILGATE_PHASE $*" >> npx.log\nexit ${options.code}\n`, { mode: 0o755 });
  const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run ?? "false"], {
    cwd: dir,
    env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}`, ...env },
    encoding: "utf8",
  });
  const log = path.join(dir, "npx.log");
  return { status: result.status, calls: fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : [] };
}

const planSteps = mailgate.jobs.plan.steps.filter((step) => step.run?.includes("mailgate plan"));

describe("the workflows init writes", () => {
  test("they run on changes to the team's config, artifacts, lock and the workflow, not on a repository's sources", () => {
    expect(mailgate.on.pull_request?.paths).toEqual(["config/**", "generated/**", "package*.json", ".github/workflows/mailgate.yml"]);
    expect(Object.keys(mailgate.on).sort()).toEqual(["pull_request", "push"]);
  });

  test("every mailgate call is the installed package's (npx --no), with a command mailgate --help lists; no npm scripts", () => {
    const all = [...runs(mailgate), ...runs(ranges)];
    expect(all.filter((run) => /\bnpm run\b/.test(run))).toEqual([]);
    expect(all.filter((run) => /\bnpx (?!--no mailgate )/.test(run))).toEqual([]);
    const called = new Set(all.flatMap((run) => [...run.matchAll(/npx --no mailgate ([\w-]+)/g)].map((m) => m[1])));
    expect([...called].sort()).toEqual(["check", "diff", "plan", "ranges", "synth", "validate"]);
    for (const command of called) expect(COMMANDS, command).toContain(command);
    expect(runs(mailgate)).toContain("npx --no mailgate validate --format github");
  });

  test("every job sets up Node 24 with actions that run on Node 24", () => {
    for (const workflow of [mailgate, ranges]) {
      for (const job of Object.values(workflow.jobs)) {
        const setup = job.steps.filter((step) => step.uses?.startsWith("actions/setup-node@"));
        expect(setup.map((step) => [step.uses, step.with?.["node-version"]])).toEqual([["actions/setup-node@v5", 24]]);
        expect(job.steps.find((step) => step.uses?.startsWith("actions/checkout@"))?.uses).toBe("actions/checkout@v5");
      }
    }
  });

  test.each([
    [0, 0],
    [2, 0],
    [1, 1],
    [70, 1],
  ])("GIVEN mailgate plan exits %i (terraform's -detailed-exitcode) WHEN the plan step runs THEN the step exits %i", (code, status) => {
    const plan = planSteps.find((step) => step.run?.startsWith("npx"));
    expect(runStep(plan!, { STACK: "mailgate-us-east-1" }, { code })).toEqual({ status, calls: ["MAILGATE_PHASE= --no mailgate plan mailgate-us-east-1"] });
  });

  test("GIVEN placements.json records leaving rules WHEN the expand plan step runs THEN it plans MAILGATE_PHASE=expand (changes are a success); without them it plans nothing", () => {
    const expand = planSteps.find((step) => step.run?.includes("MAILGATE_PHASE=expand"));
    expect(runStep(expand!, { STACK: "s" }, { code: 2, leaving: true })).toEqual({ status: 0, calls: ["MAILGATE_PHASE=expand --no mailgate plan s"] });
    expect(runStep(expand!, { STACK: "s" }, { code: 1, leaving: true }).status).toBe(1);
    expect(runStep(expand!, { STACK: "s" }, { code: 2, leaving: false })).toEqual({ status: 0, calls: [] });
    expect(mailgate.jobs.plan.env?.MAILGATE_ASSUME).toBe("plan");
  });

  test("after merge it applies in two phases, each on a fresh synth of the installed mailgate", () => {
    const apply = (job: string) => mailgate.jobs[job].steps.find((step) => step.run?.includes("terraform -chdir"));
    expect(apply("apply-expand")?.env?.MAILGATE_PHASE).toBe("expand");
    expect(apply("apply-contract")?.env?.MAILGATE_PHASE).toBeUndefined();
    expect(mailgate.jobs["apply-contract"].needs).toEqual(["review", "apply-expand"]);
    for (const job of ["apply-expand", "apply-contract"]) {
      const run = apply(job)?.run ?? "";
      expect(run.indexOf("npx --no mailgate synth")).toBeGreaterThanOrEqual(0);
      expect(run.indexOf("npx --no mailgate synth")).toBeLessThan(run.indexOf('terraform -chdir="cdktf.out/stacks/$STACK" apply'));
    }
  });

  test("the ranges workflow's shell steps are this repository's, which __tests__/ranges/workflow.test.ts runs", () => {
    const own = read(".github/workflows/hubspot-ranges.yml");
    const scripts = (workflow: Workflow) => steps(workflow).map((step) => [step.name ?? step.uses?.split("@")[0], step.run, step.if]);
    expect(scripts(ranges)).toEqual(scripts(own));
  });
});
