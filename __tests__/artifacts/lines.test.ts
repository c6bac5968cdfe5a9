import { describe, expect, test } from "vitest";
import { fileText, trimmedFileText } from "../../lib/artifacts/lines";

// The one-copy forms must give exactly the bytes of the obvious ones they replace.
const cases: string[][] = [
  [],
  [""],
  ["", "  ", "\t"],
  ["# Title"],
  ["# Title", "", "text", ""],
  ["a", "b  ", " ", ""],
  ["a", "block\n\nwith lines\n", ""],
  ["a", "block ending in blank lines\n\n  \n", "", " "],
  ["  leading kept", "x\u00a0"],
];

describe("file text from lines", () => {
  test.each(cases.map((lines) => [JSON.stringify(lines), lines]))("fileText %s", (_, lines) => {
    expect(fileText([...lines])).toBe(`${lines.join("\n")}\n`);
  });
  test.each(cases.map((lines) => [JSON.stringify(lines), lines]))("trimmedFileText %s", (_, lines) => {
    expect(trimmedFileText([...lines])).toBe(`${lines.join("\n").trimEnd()}\n`);
  });
});
