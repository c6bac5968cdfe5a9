import { describe, expect, test } from "vitest";
import { firstRepeated, readCommandArguments } from "../../lib/model/command-options";

/** As `mailgate live` reads its arguments. */
const live = (...args: string[]) => readCommandArguments(args, { command: "live", strings: ["config", "out", "format"], flags: ["commands"], hints: { givenTwice: { format: "; pick one" } } });

describe("a subcommand's arguments, read one way for live, adopt and ranges check", () => {
  test("GIVEN options, a flag and files WHEN read THEN each option's value, the flag, and the files in order", () => {
    const read = live("b.json", "--config=cfg", "--commands", "--format", "json", "a.json");
    expect(read).toEqual({ options: { config: "cfg", format: "json" }, flags: new Set(["commands"]), positionals: ["b.json", "a.json"] });
  });

  test.each([
    [["--bogus", "a.json"], "live has no option --bogus"],
    [["--commands=yes"], "--commands takes no value"],
    [["--config", "--format", "json"], "--config needs a value"],
    [["--config="], "--config needs a value"],
    [["--out", "a", "--out", "b"], "--out given twice"],
    [["--format", "json", "--format=text"], "--format given twice; pick one"],
    [["a.json", "-h", "--bogus"], "help"],
  ])("GIVEN %j WHEN read THEN %s", (args, problem) => {
    expect(live(...args)).toBe(problem);
  });

  test("GIVEN a value starting with - given inline WHEN read THEN it is the value", () => {
    expect(live("--config=-dir")).toEqual({ options: { config: "-dir" }, flags: new Set(), positionals: [] });
  });

  test("GIVEN files WHEN one is named twice THEN it is found", () => {
    expect(firstRepeated(["a", "b", "a"])).toBe("a");
    expect(firstRepeated(["a", "b"])).toBeUndefined();
  });
});
