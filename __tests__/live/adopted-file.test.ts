import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { ADOPTED_FILE, adoptedFileMayExist } from "../../lib/live/adopted-file";
import { tempDir } from "../support/run";

// validate, check and synth load the adopted-rules reader only when this says the file may be
// there: false must mean nothing is there, or the reader's own refusals would be skipped.
describe("adoptedFileMayExist", () => {
  test("false when nothing is there: no file, no artifacts directory, or a file where the directory should be", () => {
    const dir = tempDir("mailgate-adopted-file-");
    expect(adoptedFileMayExist(dir)).toBe(false);
    expect(adoptedFileMayExist(path.join(dir, "missing"))).toBe(false);
    fs.writeFileSync(path.join(dir, "plain"), "");
    expect(adoptedFileMayExist(path.join(dir, "plain"))).toBe(false);
  });

  test("true for anything there, even what the reader will refuse: a file, a directory, a dangling link", () => {
    for (const make of [
      (file: string) => fs.writeFileSync(file, "{}"),
      (file: string) => fs.mkdirSync(file),
      (file: string) => fs.symlinkSync("nowhere", file),
    ]) {
      const dir = tempDir("mailgate-adopted-file-");
      make(path.join(dir, ADOPTED_FILE));
      expect(adoptedFileMayExist(dir)).toBe(true);
    }
  });

  test("true when the place cannot be looked at (a name too long): the reader says why", () => {
    expect(adoptedFileMayExist(path.join(tempDir("mailgate-adopted-file-"), "x".repeat(300)))).toBe(true);
  });
});
