import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { utf8Bytes } from "../../lib/io/write-atomic";

// Artifacts are written through utf8Bytes: ASCII takes the Latin-1 copy, the rest Node's UTF-8
// encoder. Either way the bytes must be exactly UTF-8's.
describe("utf8Bytes", () => {
  test("the UTF-8 bytes of ASCII, Latin-1, other BMP and astral characters, and a lone surrogate", () => {
    for (const text of ["", "plain ascii\n", "caf\u00e9", "\u00ff", "a \u2014 b", "\u{1f4e7} mail", "\ud800 alone", "\u007f\u0080"]) {
      expect(utf8Bytes(text).equals(Buffer.from(text, "utf8"))).toBe(true);
    }
  });

  test("any string: the same bytes as Node's UTF-8 encoder", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constant("a"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 })), maxLength: 40 }), (text) => {
        expect(utf8Bytes(text).equals(Buffer.from(text, "utf8"))).toBe(true);
      }),
    );
  });
});
