// What mailgate says about a file that is not JSON quotes JSON.parse, whose wording is the
// runtime's: Node 22 and later end it in " (line 2 column 1)", Node 20 does not. The same file
// must get the same message on every supported Node (issue 20); CI runs this under 20, 22 and 24.
import { describe, expect, test } from "vitest";
import { parsePlacements } from "../../lib/policy/placements";
import { parsePublished } from "../../lib/ranges/published";

const NOT_JSON: [string, string][] = [
  ["{", "Expected property name or '}' in JSON at position 1"],
  ['{"schemaVersion": 1,\n}', "Expected double-quoted property name in JSON at position 21"],
  ['{"a":1}\nx', "Unexpected non-whitespace character after JSON at position 8"],
  ["[1, 2", "Expected ',' or ']' after array element in JSON at position 5"],
];

describe("text that is not JSON: one message on every Node version", () => {
  test.each(NOT_JSON)("GIVEN placements.json holding %j WHEN read THEN refused: not JSON (%s)", (text, said) => {
    expect(parsePlacements(text)).toEqual({ error: `not JSON (${said})` });
  });

  test.each(NOT_JSON)("GIVEN a saved network-origins response holding %j WHEN read THEN refused: not JSON (%s)", (text, said) => {
    const result = parsePublished(text, "ranges.json");
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^ranges\.json is not JSON \((.*)\); /) });
    expect(!result.ok && /^ranges\.json is not JSON \((.*)\); /.exec(result.message)?.[1]).toBe(said);
  });
});
