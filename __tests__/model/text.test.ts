import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compareText, mergeSortedUnique, sortedUnique } from "../../lib/model/text";

// The flowchart's servers per port and a rule's provenance both merge sorted, unique lists.
describe("mergeSortedUnique", () => {
  test("what sorting the union and dropping repeats gives, for any two sorted unique lists", () => {
    const sortedUnique = fc.array(fc.string({ maxLength: 4 }), { maxLength: 12 }).map((list) => [...new Set(list)].sort(compareText));
    fc.assert(
      fc.property(sortedUnique, sortedUnique, (a, b) => {
        expect(mergeSortedUnique(a, b)).toEqual([...new Set([...a, ...b])].sort(compareText));
      }),
    );
  });

  test("a new array: neither input is returned or changed", () => {
    const a = ["a:993", "b:993"];
    const merged = mergeSortedUnique(a, []);
    expect(merged).toEqual(a);
    merged.push("c:993");
    expect(a).toEqual(["a:993", "b:993"]);
    expect(mergeSortedUnique(["a-b:993"], ["a:993"])).toEqual(["a-b:993", "a:993"]);
  });
});

// Domains and mail servers of a rule's provenance and of the report's needs.
describe("sortedUnique", () => {
  test("what a Set and a compareText sort give, for any list of texts", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4 }), { maxLength: 16 }), (list) => {
        expect(sortedUnique([...list])).toEqual([...new Set(list)].sort(compareText));
      }),
    );
  });

  test("a list sorted and unique already is returned as it is", () => {
    const sorted = ["a-b:993", "a:993", "b:993"];
    expect(sortedUnique(sorted)).toBe(sorted);
    expect(sortedUnique(["b", "a", "b", "\u00e9", "z"])).toEqual(["a", "b", "z", "\u00e9"]);
  });
});
