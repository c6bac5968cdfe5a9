/**
 * `mailgate plan` without Terraform: the summary counted from plan JSON built here from the
 * documented format (`resource_changes[].change.actions`, `importing`, `previous_address`), the
 * exit-code rules, usage errors, and the running of Terraform itself against a stand-in
 * `terraform` (a small shell script that answers as each stack folder's `fake/` says and logs
 * every call). The real CLI and provider run in __tests__/terraform/mailgate-plan.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { countChanges, formatCounts, overallExitCode, planCommand, summaryLines, type PlanJson, type StackOutcome, type Synth } from "../../lib/plan";
import { PROJECT_ROOT, removeTempDirs, runTs, tempDir } from "../support/run";
import { capturedIo, cli, cliAsync } from "./helpers";

afterAll(removeTempDirs);

type Change = NonNullable<PlanJson["resource_changes"]>[number];
const rc = (address: string, actions: string[], extra: Partial<Change> & { importing?: unknown } = {}): Change => {
  const { importing, ...rest } = extra;
  return { address, mode: "managed", ...rest, change: { actions, ...(importing !== undefined ? { importing } : {}) } };
};

describe("counting a plan from terraform show -json", () => {
  test.each<[string, Change[], Partial<ReturnType<typeof countChanges>>]>([
    ["a create", [rc("a.x", ["create"])], { add: 1 }],
    ["an update", [rc("a.x", ["update"])], { change: 1 }],
    ["a delete", [rc("a.x", ["delete"])], { destroy: 1 }],
    ["a replacement, destroy first", [rc("a.x", ["delete", "create"])], { replace: 1 }],
    ["a replacement, create first (create_before_destroy)", [rc("a.x", ["create", "delete"])], { replace: 1 }],
    ["an import with nothing to change", [rc("a.x", ["no-op"], { importing: { id: "sgr-0123456789abcdef0" } })], { import: 1 }],
    ["an import that also updates", [rc("a.x", ["update"], { importing: { id: "sgr-0123456789abcdef0" } })], { import: 1, change: 1 }],
    ["a move with nothing to change", [rc("a.new", ["no-op"], { previous_address: "a.old" })], { move: 1 }],
    ["a move that also updates", [rc("a.new", ["update"], { previous_address: "a.old" })], { move: 1, change: 1 }],
    ["a previous address equal to the address (not a move)", [rc("a.x", ["no-op"], { previous_address: "a.x" })], {}],
    ["a forget (removed block)", [rc("a.x", ["forget"])], { forget: 1 }],
    ["a replacement that forgets the old object", [rc("a.x", ["create", "forget"])], { add: 1, forget: 1 }],
    ["a no-op", [rc("a.x", ["no-op"])], {}],
    ["a data source read", [rc("data.aws_caller_identity.me", ["read"], { mode: "data" })], {}],
    ["no resource_changes at all", [], {}],
    [
      "a mix",
      [rc("a.1", ["create"]), rc("a.2", ["create"]), rc("a.3", ["delete", "create"]), rc("a.4", ["delete"]), rc("a.5", ["update"]), rc("a.6", ["no-op"], { previous_address: "a.0" })],
      { add: 2, replace: 1, destroy: 1, change: 1, move: 1 },
    ],
  ])("%s", (_, changes, expected) => {
    expect(countChanges({ resource_changes: changes })).toEqual({ add: 0, change: 0, destroy: 0, import: 0, replace: 0, move: 0, forget: 0, ...expected });
  });

  test("the line: the five counts always, moves and forgets only when there are some", () => {
    const none = { add: 0, change: 0, destroy: 0, import: 0, replace: 0, move: 0, forget: 0 };
    expect(formatCounts({ ...none, add: 3, destroy: 1 })).toBe("3 to add, 0 to change, 1 to destroy, 0 to import, 0 to replace");
    expect(formatCounts({ ...none, move: 2 })).toBe("0 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace, 2 moved");
    expect(formatCounts({ ...none, forget: 1 })).toBe("0 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace, 1 to forget");
  });
});

const counts = (c: Partial<ReturnType<typeof countChanges>> = {}) => ({ add: 0, change: 0, destroy: 0, import: 0, replace: 0, move: 0, forget: 0, ...c });
const ok = (stack: string, c = counts(), outputsChange = false): StackOutcome => ({ stack, status: "no-changes", counts: c, outputsChange });
const changed = (stack: string, c = counts({ add: 1 }), outputsChange = false): StackOutcome => ({ stack, status: "changes", counts: c, outputsChange });
const failed = (stack: string): StackOutcome => ({ stack, status: "failed", reason: "terraform plan exited 1" });

describe("exit codes, as terraform plan -detailed-exitcode", () => {
  test.each<[string, number, StackOutcome[]]>([
    ["no stacks", 0, []],
    ["no changes anywhere", 0, [ok("a"), ok("b")]],
    ["changes in one stack", 2, [ok("a"), changed("b")]],
    ["changes everywhere", 2, [changed("a"), changed("b")]],
    ["an error in one stack, changes in another", 1, [changed("a"), failed("b")]],
    ["an error in one stack, no changes elsewhere", 1, [failed("a"), ok("b")]],
  ])("%s: exit %s", (_, code, outcomes) => {
    expect(overallExitCode(outcomes)).toBe(code);
  });
});

describe("the summary", () => {
  test("one line per stack in the order given, then the total; a failed stack says so and is left out of the total", () => {
    expect(summaryLines([changed("mailgate-us-east-1", counts({ add: 3, destroy: 1 })), ok("mailgate-eu-west-1"), failed("mailgate-eu-central-1"), changed("mailgate-ap-south-1", counts({ replace: 2, move: 1 }))])).toEqual([
      "mailgate-us-east-1: 3 to add, 0 to change, 1 to destroy, 0 to import, 0 to replace",
      "mailgate-eu-west-1: 0 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace",
      "mailgate-eu-central-1: failed (terraform plan exited 1; its output is above)",
      "mailgate-ap-south-1: 0 to add, 0 to change, 0 to destroy, 0 to import, 2 to replace, 1 moved",
      "total: 3 to add, 0 to change, 1 to destroy, 0 to import, 2 to replace, 1 moved (4 stacks, 2 with changes, 1 failed)",
    ]);
  });

  test("a stack whose plan changes only outputs says so (Terraform exits 2 for it)", () => {
    expect(summaryLines([changed("mailgate-us-east-1", counts(), true)])[0]).toBe(
      "mailgate-us-east-1: 0 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace; only outputs change",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Running Terraform, with a stand-in for it

/** What the stand-in `terraform` does in one stack folder (files under its `fake/`: writeFake). */
interface FakeStack {
  readonly init?: { exit?: number; out?: string; delayMs?: number };
  readonly plan?: { exit?: number; out?: string; delayMs?: number; waitForPlanOf?: string };
  readonly show?: { exit?: number; json?: PlanJson | string };
}

/**
 * A `terraform` (POSIX sh: dozens of calls per test file, each a process) that logs each call
 * (args, the variables that matter, start and end in ms) as a JSON line to $FAKE_TF_LOG, and
 * answers from `<chdir>/fake/` (else $FAKE_TF_DEFAULTS): init and plan print `<command>.out` and
 * exit `<command>.exit`, after `<command>.delay` seconds; plan writes the plan file then (and,
 * with `plan.wait-for`, only once that stack's plan has started: it fails after 20 s without);
 * show prints `show.json` when the plan file is this run's.
 */
const FAKE_TERRAFORM = `#!/bin/sh
dir="\${1#-chdir=}"
shift
command="$1"
fake="$dir/fake"
[ -d "$fake" ] || fake="\${FAKE_TF_DEFAULTS:-$fake}"
start=$(date +%s%3N)
value() { if [ -f "$fake/$1" ]; then cat "$fake/$1"; else printf '%s' "$2"; fi; }
finish() {
  args=""
  for a in "$@"; do args="$args\${args:+,}\\"$a\\""; done
  printf '{"dir":"%s","args":[%s],"start":%s,"end":%s,"exit":%s,"CHECKPOINT_DISABLE":"%s","TF_IN_AUTOMATION":"%s"}\n' \
    "$(basename "$dir")" "$args" "$start" "$(date +%s%3N)" "$code" "$CHECKPOINT_DISABLE" "$TF_IN_AUTOMATION" >> "$FAKE_TF_LOG"
  exit "$code"
}
case "$command" in
  init)
    sleep "$(value init.delay 0)"
    value init.out "Terraform has been successfully initialized!
"
    code=$(value init.exit 0)
    finish "$@" ;;
  plan)
    : > "$dir/.plan-started"
    waited=0
    if [ -f "$fake/plan.wait-for" ]; then
      other="$dir/../$(cat "$fake/plan.wait-for")/.plan-started"
      while [ ! -f "$other" ]; do
        sleep 0.02
        waited=$((waited + 1))
        if [ "$waited" -gt 1000 ]; then echo "never ran alongside $other" >&2; code=1; finish "$@"; fi
      done
    fi
    sleep "$(value plan.delay 0)"
    value plan.out "No changes.
"
    code=$(value plan.exit 0)
    [ "$code" = 1 ] || printf 'fresh plan' > "$dir/plan"
    finish "$@" ;;
  show)
    if [ "$(cat "$dir/plan")" != "fresh plan" ]; then echo "stale plan file" >&2; code=1; finish "$@"; fi
    value show.json "{}"
    code=$(value show.exit 0)
    finish "$@" ;;
  *) code=1; finish "$@" ;;
esac
`;

/** Writes what the stand-in `terraform` answers in `dir` (a stack folder, or $FAKE_TF_DEFAULTS). */
function writeFake(dir: string, fake: FakeStack): void {
  const files: Record<string, string | number | undefined> = {
    "init.exit": fake.init?.exit,
    "init.out": fake.init?.out,
    "init.delay": fake.init?.delayMs === undefined ? undefined : fake.init.delayMs / 1000,
    "plan.exit": fake.plan?.exit,
    "plan.out": fake.plan?.out,
    "plan.delay": fake.plan?.delayMs === undefined ? undefined : fake.plan.delayMs / 1000,
    "plan.wait-for": fake.plan?.waitForPlanOf,
    "show.exit": fake.show?.exit,
    "show.json": fake.show?.json === undefined ? undefined : typeof fake.show.json === "string" ? fake.show.json : JSON.stringify(fake.show.json),
  };
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(files)) if (value !== undefined) fs.writeFileSync(path.join(dir, name), String(value));
}

interface Call {
  readonly dir: string;
  readonly args: string[];
  readonly start: number;
  readonly end: number;
  readonly CHECKPOINT_DISABLE?: string;
  readonly TF_IN_AUTOMATION?: string;
}

const CREATES_TWO: PlanJson = { resource_changes: [rc("a.x", ["create"]), rc("a.y", ["create"])] };

/**
 * A project folder with a stand-in `terraform` and a synth that writes `cdktf.out/manifest.json`
 * with these stacks (each folder's `fake/` as given), recording the arguments it was given.
 */
function project(stacks: Record<string, FakeStack>) {
  const root = tempDir("mailgate-plan-");
  const bin = path.join(root, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "terraform"), FAKE_TERRAFORM, { mode: 0o755 });
  const logFile = path.join(root, "calls.jsonl");
  const synthArgs: (readonly string[])[] = [];
  const synth: Synth = async (argv) => {
    synthArgs.push(argv);
    const out = path.join(root, "cdktf.out");
    fs.mkdirSync(out, { recursive: true });
    for (const [name, fake] of Object.entries(stacks)) writeFake(path.join(out, "stacks", name, "fake"), fake);
    const manifest = Object.fromEntries(Object.keys(stacks).map((name) => [name, { name, workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` }]));
    fs.writeFileSync(path.join(out, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: manifest }));
    return 0;
  };
  const env = { PATH: `${bin}${path.delimiter}/usr/bin:/bin`, FAKE_TF_LOG: logFile };
  const calls = (): Call[] => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Call) : []);
  async function plan(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    const { io, output } = capturedIo({ env: { ...env, ...extraEnv }, cwd: root });
    // Relative paths in the manifest's folders are relative to this process: give absolute ones.
    const status = await planCommand(["--terraform-out", path.join(root, "cdktf.out"), ...args], io, synth);
    return { status, ...output() };
  }
  return { root, plan, calls, synthArgs, bin };
}

/** Whether any two calls of `command` ran at the same time. */
function overlapped(calls: readonly Call[], command: string): boolean {
  const of = calls.filter((c) => c.args[0] === command);
  return of.some((a, i) => of.some((b, j) => i !== j && a.start < b.end && b.start < a.end));
}

describe("mailgate plan runs Terraform in every stack folder", () => {
  test("GIVEN a manifest with two stacks, one of them emptied WHEN planned THEN each gets init, plan -detailed-exitcode -out=plan and show -json plan, with CHECKPOINT_DISABLE=1", async () => {
    const p = project({ "mailgate-eu-west-1": { plan: { exit: 2 }, show: { json: CREATES_TWO } }, "mailgate-us-east-1": { show: { json: {} } } });
    const result = await p.plan([]);
    expect(result.status).toBe(2);
    const calls = p.calls();
    for (const stack of ["mailgate-eu-west-1", "mailgate-us-east-1"]) {
      expect(calls.filter((c) => c.dir === stack).map((c) => c.args)).toEqual([
        ["init", "-input=false", "-no-color"],
        ["plan", "-input=false", "-detailed-exitcode", "-out=plan", "-no-color"],
        ["show", "-json", "plan"],
      ]);
    }
    expect(new Set(calls.map((c) => `${c.CHECKPOINT_DISABLE} ${c.TF_IN_AUTOMATION}`))).toEqual(new Set(["1 1"]));
    expect(result.stdout.split("\n").slice(-4)).toEqual([
      "mailgate-eu-west-1: 2 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace",
      "mailgate-us-east-1: 0 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace",
      "total: 2 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace (2 stacks, 1 with changes)",
      "",
    ]);
    expect(result.stderr).toBe("");
  });

  test("GIVEN no stack changes WHEN planned THEN exit 0", async () => {
    const p = project({ "mailgate-eu-west-1": { show: { json: {} } }, "mailgate-us-east-1": { show: { json: {} } } });
    expect((await p.plan([])).status).toBe(0);
  });

  test("GIVEN stack names WHEN planned THEN only those, in manifest order", async () => {
    const p = project({ a: { show: { json: {} } }, b: { plan: { exit: 2 }, show: { json: CREATES_TWO } }, c: { show: { json: {} } } });
    const result = await p.plan(["c", "b"]);
    expect(result.status).toBe(2);
    expect([...new Set(p.calls().map((c) => c.dir))].sort()).toEqual(["b", "c"]);
    expect(result.stdout.match(/^==> \S+/gm)).toEqual(["==> b", "==> c"]);
  });

  test("GIVEN a stack name not in the manifest WHEN planned THEN exit 2 naming the stacks there, and Terraform never runs", async () => {
    const p = project({ "mailgate-eu-west-1": {}, "mailgate-us-east-1": {} });
    const result = await p.plan(["mailgate-us-east-1", "mailgate-us-east-2"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `mailgate: no stack "mailgate-us-east-2" in ${path.join(p.root, "cdktf.out")}/manifest.json; its stacks: mailgate-eu-west-1, mailgate-us-east-1\n(mailgate plan --help shows the usage)\n`,
    );
    expect(p.calls()).toEqual([]);
  });

  test("GIVEN a manifest without stacks WHEN planned THEN exit 0 saying there is nothing to plan", async () => {
    const p = project({});
    const result = await p.plan([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("has no stacks (no domain names an AWS firewall): nothing to plan.");
  });

  test("GIVEN the first stack finishes last WHEN planned two at a time THEN both ran at once, yet each stack's output is whole and in manifest order", async () => {
    const p = project({
      first: { plan: { exit: 2, out: "first line 1\nfirst line 2\n", waitForPlanOf: "second", delayMs: 1000 }, show: { json: CREATES_TWO } },
      second: { plan: { exit: 2, out: "second line 1\nsecond line 2\n" }, show: { json: CREATES_TWO } },
    });
    const result = await p.plan(["--parallel", "2"]);
    expect(result.status).toBe(2);
    expect(overlapped(p.calls(), "plan")).toBe(true);
    // The second ended first, yet is printed second, and nothing of it is inside the first's block.
    const planEnds = Object.fromEntries(p.calls().filter((c) => c.args[0] === "plan").map((c) => [c.dir, c.end]));
    expect(planEnds.second).toBeLessThan(planEnds.first);
    expect(result.stdout.indexOf("==> second")).toBeGreaterThan(result.stdout.indexOf("first line 2"));
    expect(result.stdout).toContain(`==> first (${path.join(p.root, "cdktf.out")}/stacks/first)\nfirst line 1\nfirst line 2\n==> second`);
  });

  test("GIVEN --parallel 1 WHEN planned THEN one stack at a time", async () => {
    const p = project({ a: { plan: { delayMs: 300 }, show: { json: {} } }, b: { plan: { delayMs: 300 }, show: { json: {} } }, c: { show: { json: {} } } });
    expect((await p.plan(["--parallel", "1"])).status).toBe(0);
    expect(p.calls().filter((c) => c.args[0] === "plan")).toHaveLength(3);
    expect(overlapped(p.calls(), "plan")).toBe(false);
  });

  test("GIVEN a plugin cache (TF_PLUGIN_CACHE_DIR, not safe for concurrent inits) WHEN planned in parallel THEN inits take turns", async () => {
    const slowInit = { init: { delayMs: 400 }, show: { json: {} } };
    const p = project({ a: slowInit, b: slowInit, c: slowInit });
    expect((await p.plan(["--parallel", "3"], { TF_PLUGIN_CACHE_DIR: path.join(p.root, "cache") })).status).toBe(0);
    expect(p.calls().filter((c) => c.args[0] === "init")).toHaveLength(3);
    expect(overlapped(p.calls(), "init")).toBe(false);
  });

  test("GIVEN init fails in one stack WHEN planned THEN exit 1, its init output shown, the other stack still planned and its changes counted", async () => {
    const p = project({
      broken: { init: { exit: 1, out: "Error: Failed to query available provider packages\n" } },
      fine: { plan: { exit: 2 }, show: { json: CREATES_TWO } },
    });
    const result = await p.plan([]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("==> broken");
    expect(result.stdout).toContain("Error: Failed to query available provider packages");
    expect(p.calls().filter((c) => c.dir === "broken").map((c) => c.args[0])).toEqual(["init"]);
    expect(p.calls().filter((c) => c.dir === "fine").map((c) => c.args[0])).toEqual(["init", "plan", "show"]);
    expect(result.stdout.split("\n").slice(-4, -1)).toEqual([
      "broken: failed (terraform init exited 1; its output is above)",
      "fine: 2 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace",
      "total: 2 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace (2 stacks, 1 with changes, 1 failed)",
    ]);
    expect(result.stderr).toBe("mailgate: terraform failed in stack broken; its output is above\n");
  });

  test("GIVEN a successful init WHEN planned THEN its output is not shown (the same lines for every stack)", async () => {
    const p = project({ a: { init: { out: "Initializing provider plugins...\n" }, plan: { out: "No changes. Your infrastructure matches the configuration.\n" }, show: { json: {} } } });
    const result = await p.plan([]);
    expect(result.stdout).not.toContain("Initializing provider plugins");
    expect(result.stdout).toContain("No changes. Your infrastructure matches the configuration.");
  });

  test.each<[string, FakeStack, string]>([
    ["plan fails", { plan: { exit: 1, out: "Error: Invalid provider configuration\n" } }, "a: failed (terraform plan exited 1; its output is above)"],
    ["show fails", { plan: { exit: 2 }, show: { exit: 1, json: "" } }, "a: failed (terraform show -json exited 1; its output is above)"],
    ["show prints no JSON", { plan: { exit: 2 }, show: { json: "not json" } }, "a: failed (terraform show -json printed no JSON; its output is above)"],
  ])("GIVEN %s WHEN planned THEN exit 1 and the stack's line says why", async (_, fake, line) => {
    const p = project({ a: fake, b: { show: { json: {} } } });
    const result = await p.plan([]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain(`\n${line}\n`);
  });

  test("GIVEN a plan file left by an earlier run WHEN plan fails THEN it is gone: an old plan never passes for this one's", async () => {
    const p = project({ a: { plan: { exit: 1 } } });
    await p.plan([]); // synthesizes the folder
    fs.writeFileSync(path.join(p.root, "cdktf.out", "stacks", "a", "plan"), "old plan");
    expect((await p.plan([])).status).toBe(1);
    expect(fs.existsSync(path.join(p.root, "cdktf.out", "stacks", "a", "plan"))).toBe(false);
  });

  test("the synth flags reach synth; --parallel and the stack names do not", async () => {
    const p = project({ a: { show: { json: {} } } });
    const { io } = capturedIo({ env: { PATH: `${p.bin}${path.delimiter}/usr/bin:/bin`, FAKE_TF_LOG: path.join(p.root, "log") }, cwd: p.root });
    const tfOut = path.join(p.root, "cdktf.out");
    const synthArgs: (readonly string[])[] = [];
    const status = await planCommand(["--config", "cfg", "--out", "gen", "--terraform-out", tfOut, "--phase", "expand", "--parallel", "3", "a"], io, async (argv) => {
      synthArgs.push(argv);
      writeFake(path.join(tfOut, "stacks", "a", "fake"), {});
      fs.writeFileSync(path.join(tfOut, "manifest.json"), JSON.stringify({ stacks: { a: { workingDirectory: "stacks/a" } } }));
      return 0;
    });
    expect(status).toBe(0);
    expect(synthArgs).toEqual([["--config", "cfg", "--out", "gen", "--terraform-out", tfOut, "--phase", "expand"]]);
  });

  test("GIVEN synth fails (an invalid config) WHEN planned THEN its exit code, and Terraform never runs", async () => {
    const p = project({ a: {} });
    const { io } = capturedIo({ env: { PATH: p.bin }, cwd: p.root });
    expect(await planCommand([], io, async () => 1)).toBe(1);
    expect(p.calls()).toEqual([]);
  });
});

describe("mailgate plan: usage", () => {
  test.each<[string[], string]>([
    [["plan", "--parallel", "0"], '--parallel needs a whole number from 1 to 64, got "0"'],
    [["plan", "--parallel", "two"], '--parallel needs a whole number from 1 to 64, got "two"'],
    [["plan", "--phase", "both"], '--phase must be expand or contract, got "both"'],
    [["plan", "--format", "json"], "Unknown option '--format'"],
  ])("GIVEN %j THEN exit 2, one line and where the usage is", async (args, problem) => {
    const result = await cliAsync(args, { env: { PATH: "" } });
    expect(result).toEqual({ status: 2, stdout: "", stderr: `mailgate: ${problem}\n(mailgate plan --help shows the usage)\n` });
  });

  test("GIVEN no terraform on PATH THEN exit 1 with one line saying so, before synth writes anything", async () => {
    const empty = tempDir("mailgate-nopath-");
    const synthCalls: string[] = [];
    const { io, output } = capturedIo({ env: { PATH: empty }, cwd: empty });
    const status = await planCommand([], io, async () => {
      synthCalls.push("synth");
      return 0;
    });
    expect(status).toBe(1);
    expect(output()).toEqual({
      stdout: "",
      stderr: "mailgate: no Terraform CLI (`terraform`) on PATH: mailgate plan runs Terraform 1.5 or later; install it, or name it in TERRAFORM_BINARY_NAME\n",
    });
    expect(synthCalls).toEqual([]);
  });

  test("GIVEN TERRAFORM_BINARY_NAME naming a file that is not there THEN exit 1 naming it", async () => {
    const result = await cliAsync(["plan"], { env: { PATH: "", TERRAFORM_BINARY_NAME: "/opt/nowhere/tofu" } });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe("mailgate: no Terraform CLI (`/opt/nowhere/tofu`) at /opt/nowhere/tofu: mailgate plan runs Terraform 1.5 or later; install it, or name it in TERRAFORM_BINARY_NAME\n");
  });

  test("plan --help shows its usage and exit codes; the top help lists plan", async () => {
    const help = await cliAsync(["plan", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout.split("\n")[0]).toBe("Usage: mailgate plan [--config DIR] [--out DIR] [--terraform-out DIR] [--phase expand] [--parallel N] [stack...]");
    expect(help.stdout).toContain("0 no changes in any stack, 2 changes in some");
    expect((await cli(["--help"])).stdout).toMatch(/^ {2}plan +mailgate plan \[stack\.\.\.\]/m);
    expect((await cli(["pln"])).stderr).toContain("did you mean `mailgate plan`?");
  });
});

describe("mailgate plan from the command line, with the real synth", () => {
  test("GIVEN the project's config WHEN `mailgate plan` runs THEN it synthesizes into the given folders and plans each stack of the manifest", () => {
    const p = project({});
    const work = tempDir("mailgate-plan-synth-");
    // Synth makes the stack folders: the stand-in answers in each from these defaults.
    const defaults = path.join(work, "fake-defaults");
    writeFake(defaults, { plan: { exit: 2 }, show: { json: CREATES_TWO } });
    const result = runTs("lib/cli.ts", ["plan", "--config", path.join(PROJECT_ROOT, "config"), "--out", "generated", "--terraform-out", "tf"], {
      cwd: work,
      env: { PATH: `${p.bin}${path.delimiter}${process.env.PATH ?? ""}`, FAKE_TF_LOG: path.join(work, "calls.jsonl"), FAKE_TF_DEFAULTS: defaults },
    });
    expect(result.status, result.stderr).toBe(2);
    const manifest = JSON.parse(fs.readFileSync(path.join(work, "tf", "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
    expect(Object.keys(manifest.stacks)).toEqual(["mailgate-eu-central-1", "mailgate-us-east-1"]);
    expect(fs.existsSync(path.join(work, "generated", "prefill-settings.json"))).toBe(true);
    expect(result.stdout).toContain("==> mailgate-eu-central-1 (tf/stacks/mailgate-eu-central-1)\n");
    expect(result.stdout.trimEnd().split("\n").slice(-3)).toEqual([
      "mailgate-eu-central-1: 2 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace",
      "mailgate-us-east-1: 2 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace",
      "total: 4 to add, 0 to change, 0 to destroy, 0 to import, 0 to replace (2 stacks, 2 with changes)",
    ]);
  });
});
