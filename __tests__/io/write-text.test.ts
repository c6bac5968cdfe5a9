import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { writeTextSync } from "../../lib/io/write-atomic";
import { tempDir } from "../support/run";

// Every artifact is written through writeTextSync: ASCII through one reused buffer a megabyte at
// a time as Latin-1, anything else through Node's UTF-8 encoder. The bytes must be UTF-8's, whole.
describe("writeTextSync", () => {
  const written = (text: string, name = "f.txt"): Buffer => {
    const file = path.join(tempDir("mailgate-write-text-"), name);
    writeTextSync(file, text);
    return fs.readFileSync(file);
  };

  test("ASCII, Latin-1, other BMP and astral characters, a lone surrogate: UTF-8's bytes", () => {
    for (const text of ["", "plain ascii\n", "caf\u00e9", "\u00ff", "a \u2014 b", "\u{1f4e7} mail", "\ud800 alone", "\u007f\u0080", "\u0141"]) {
      expect(written(text).equals(Buffer.from(text, "utf8"))).toBe(true);
    }
  });

  test("texts longer than the buffer, ending on and off its edge, replace what the file held", () => {
    const mib = 1 << 20;
    const dir = tempDir("mailgate-write-text-");
    const file = path.join(dir, "long.txt");
    for (const length of [mib - 1, mib, mib + 1, 3 * mib + 17]) {
      const text = Array.from({ length: Math.ceil(length / 10) }, (_, i) => `${String(i % 100000).padStart(9, "0")}\n`).join("").slice(0, length);
      fs.writeFileSync(file, "x".repeat(4 * mib));
      writeTextSync(file, text);
      const bytes = fs.readFileSync(file);
      expect(bytes.length).toBe(length);
      expect(bytes.equals(Buffer.from(text, "latin1"))).toBe(true);
    }
    // Past the buffer with a character outside ASCII at the end: the UTF-8 encoder, whole.
    const mixed = `${"a".repeat(mib + 5)}\u00e9`;
    expect(written(mixed).equals(Buffer.from(mixed, "utf8"))).toBe(true);
  });

  test("any string: the same bytes as Node's UTF-8 encoder", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constant("a"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 })), maxLength: 40 }), (text) => {
        expect(written(text).equals(Buffer.from(text, "utf8"))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
