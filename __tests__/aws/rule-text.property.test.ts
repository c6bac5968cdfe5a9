import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ruleDescription } from "../../lib/aws/rule-text";
import { isAwsDescription } from "../../lib/aws/terraform-text";

/** The obvious quadratic definition: the most items that fit with the count of the rest. */
function fitListOracle(prefix: string, items: readonly string[], limit: number): string {
  for (let shown = items.length; shown > 0; shown--) {
    const more = items.length - shown;
    const text = `${prefix}${items.slice(0, shown).join(" ")}${more > 0 ? ` (+${more} more)` : ""}`;
    if (text.length <= limit) return text;
  }
  return `${prefix}(${items.length})`;
}

function descriptionOracle(rule: { lists: ("imap" | "smtp")[]; hosts: string[]; domains: string[] }): string {
  const lists = rule.lists.map((l) => l.toUpperCase()).join("+");
  return fitListOracle(`${fitListOracle(`HubSpot ${lists} to `, rule.hosts, 160)} for `, rule.domains, 255);
}

const name = fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,40}$/);

describe("rule descriptions", () => {
  test("show as many hosts and domains as fit, then a count; always valid for AWS", () => {
    fc.assert(
      fc.property(
        fc.subarray(["imap", "smtp"] as const, { minLength: 1 }),
        fc.array(name, { minLength: 1, maxLength: 12 }),
        fc.array(name, { minLength: 1, maxLength: 60 }),
        (lists, hosts, domains) => {
          const text = ruleDescription({ lists: [...lists], hosts, domains });
          expect(text).toBe(descriptionOracle({ lists: [...lists], hosts, domains }));
          expect(isAwsDescription(text)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a short last item is shown rather than counted", () => {
    const domains = ["d".repeat(225), "e"]; // with " (+1 more)" the first alone would not fit
    expect(ruleDescription({ lists: ["imap"], hosts: ["h:993"], domains })).toBe(`HubSpot IMAP to h:993 for ${"d".repeat(225)} e`);
  });
});
