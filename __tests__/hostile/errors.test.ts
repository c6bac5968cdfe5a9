// Errors for humans: a config problem never prints a stack trace; a bug prints one line saying
// so (the stack only with DEBUG=mailgate); exit codes 0 valid, 1 invalid, 2 usage, 70 bug,
// 73 an output that cannot be written.
import { describe, expect, test } from "vitest";
import { EXIT, OutputError, reportFailure } from "../../lib/io/report-errors";
import { runTs, writeTree } from "../support/run";

const STACK_LINE = /^\s+at .+/m;
const guarded = (kind: string, env: Record<string, string> = {}) => runTs("__tests__/hostile/fixtures/guarded.ts", [kind], { env });

/** What reportFailure printed and returned, without a subprocess. */
function report(error: unknown, env: Record<string, string> = {}): { code: number; stderr: string } {
  let stderr = "";
  const stream = { write: (chunk: string) => ((stderr += chunk), true) } as unknown as NodeJS.WritableStream;
  const code = reportFailure(error, stream, env);
  return { code, stderr };
}

describe("internal errors, end to end (a process that really exits)", () => {
  test.each(["bug", "async-bug"])("GIVEN an unexpected %s WHEN it escapes THEN exit 70 and exactly one line saying it is a bug, no stack", (kind) => {
    const result = guarded(kind);
    expect(result.status).toBe(EXIT.internal);
    const lines = result.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mailgate: internal error \(a bug in mailgate, not in your config; please report it; DEBUG=mailgate shows the stack\): /);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stdout).toBe("");
  });

  test("GIVEN DEBUG=mailgate WHEN a bug escapes THEN the line, then the stack", () => {
    const result = guarded("bug", { DEBUG: "mailgate" });
    expect(result.status).toBe(EXIT.internal);
    const [first, ...rest] = result.stderr.split("\n");
    expect(first).toContain("internal error (a bug in mailgate, not in your config; please report it; stack below)");
    expect(rest.join("\n")).toMatch(/^TypeError: Cannot read properties/);
    expect(result.stderr).toMatch(STACK_LINE);
  });

  test("GIVEN an output that cannot be written WHEN it escapes THEN exit 73 and one line naming the path, not a bug", () => {
    const result = guarded("output");
    expect(result.status).toBe(EXIT.cannotWrite);
    expect(result.stderr).toBe(
      "mailgate: cannot write generated/prefill-settings.json: EACCES: permission denied, open 'generated/x'; earlier outputs are unchanged.\n",
    );
  });
});

describe("internal errors, the wording", () => {
  test("a message spanning lines is folded into the one line", () => {
    expect(report(new Error("first\n    second")).stderr).toMatch(/: first second\n$/);
  });

  test("a thrown non-Error is reported the same way", () => {
    expect(report("a bare string")).toEqual({
      code: EXIT.internal,
      stderr: "mailgate: internal error (a bug in mailgate, not in your config; please report it; DEBUG=mailgate shows the stack): a bare string\n",
    });
  });

  test.each([
    ["mailgate", true],
    ["express,mailgate", true],
    [" mailgate ", true],
    ["mailgatex,express", false],
    ["", false],
  ])("DEBUG=%j shows the stack: %s", (debug, shown) => {
    expect(STACK_LINE.test(report(new Error("x"), { DEBUG: debug }).stderr)).toBe(shown);
  });

  test("an unwritable output shows the cause's stack only with DEBUG", () => {
    const cause = Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    expect(report(new OutputError("out/x", cause)).stderr).toBe("mailgate: cannot write out/x: ENOSPC: no space left on device; earlier outputs are unchanged.\n");
    expect(report(new OutputError("out/x", cause), { DEBUG: "mailgate" }).stderr).toMatch(STACK_LINE);
  });
});

describe("config problems and usage errors", () => {
  test("GIVEN hostile config files WHEN validated THEN exit 1 with located errors, and never a stack trace", () => {
    const dir = writeTree({
      "bomb.yaml": `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 6 }, (_, i) => `l${i}: &l${i} [${Array(10).fill(i === 0 ? "*a" : `*l${i - 1}`).join(", ")}]`).join("\n")}\n`,
      "deep.yaml": "[".repeat(100_000),
      "binary.yaml": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]) as unknown as string,
    });
    const result = runTs("lib/cli.ts", ["validate", "--config", dir]);
    expect(result.status).toBe(EXIT.invalidConfig);
    expect(result.stderr).toMatch(/binary\.yaml:1:8: error BINARY_FILE/);
    expect(result.stderr).toMatch(/bomb\.yaml:\d+:\d+: error YAML_LIMIT/);
    expect(result.stderr).toMatch(/deep\.yaml:1:\d+: error YAML_LIMIT/);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.stderr).not.toContain("internal error");
  });
});
