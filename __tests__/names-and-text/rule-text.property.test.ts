import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ruleDescription } from "../../lib/terraform/rule-text";
import { isAwsDescription } from "../../lib/terraform/text";

const targetName = fc.stringMatching(/^[a-z][a-z0-9-]{0,62}$/);

describe("rule descriptions", () => {
  test("GIVEN any lists, port and target name THEN the description is valid for AWS and names all three", () => {
    fc.assert(
      fc.property(fc.subarray(["imap", "smtp"] as const, { minLength: 1 }), fc.integer({ min: 1, max: 65535 }), targetName, (lists, port, target) => {
        const text = ruleDescription({ lists: [...lists], port, target });
        expect(isAwsDescription(text)).toBe(true);
        expect(text).toContain(`tcp/${port}`);
        expect(text.endsWith(` ${target}`)).toBe(true);
        for (const list of lists) expect(text).toContain(list.toUpperCase());
      }),
      { numRuns: 300 },
    );
  });

  test("the text, pinned: it is part of every rule resource, and a change updates every rule once", () => {
    expect(ruleDescription({ lists: ["imap", "smtp"], port: 443, target: "exchange-dmz" })).toMatchInlineSnapshot(
      `"HubSpot IMAP+SMTP source range to tcp/443, mailgate target exchange-dmz"`,
    );
  });
});
