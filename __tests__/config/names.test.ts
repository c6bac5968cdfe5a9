import * as fc from "fast-check";
import { describe, expect, test } from "vitest";
import { normalizeDomain, normalizeHost } from "../../lib/model/names";

const label = (n: number, c = "a") => c.repeat(n);
/** A name of exactly `total` characters (about 250): three 63-character labels and the rest. */
function nameOfLength(total: number): string {
  return [63, 63, 63, total - 3 * 64].map((n) => label(n, "b")).join(".");
}

describe("normalizeDomain", () => {
  test.each([
    ["example.com", "example.com"],
    ["Example.COM", "example.com"],
    ["example.com.", "example.com"],
    ["bücher.example", "xn--bcher-kva.example"],
    ["MÜNCHEN.de", "xn--mnchen-3ya.de"],
    ["xn--bcher-kva.example", "xn--bcher-kva.example"],
    ["a-b.example", "a-b.example"],
    ["1.example", "1.example"],
    [`${label(63)}.com`, `${label(63)}.com`],
  ])("accepts %s as %s", (text, expected) => {
    // GIVEN a valid domain in any case, with or without a trailing dot; WHEN normalised
    // THEN it is lower-case ASCII without the dot
    expect(normalizeDomain(text)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ["", "empty"],
    [" example.com", "whitespace"],
    ["example.com ", "whitespace"],
    ["exa mple.com", "whitespace"],
    ["bob@example.com", "email address"],
    ["http://example.com", "URL"],
    ["example..com", "empty label"],
    [".example.com", "empty label"],
    ["example.com..", "empty label"],
    ["localhost", "one label"],
    ["-example.com", "hyphen"],
    ["example-.com", "hyphen"],
    ["exa_mple.com", '"_"'],
    ["example.123", "all digits"],
    ["1.2.3.4", "all digits"],
    [`${label(64)}.com`, "64 characters"],
    ["xn--zz.example", "punycode"],
  ])("rejects %j (%s)", (text, reason) => {
    // GIVEN an invalid domain; WHEN normalised; THEN the reason says what is wrong
    const result = normalizeDomain(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  test("an email address suggests the part after @", () => {
    expect(normalizeDomain("Bob@Example.com")).toMatchObject({ ok: false, suggestion: "example.com" });
  });

  test("a URL suggests its host", () => {
    expect(normalizeDomain("https://example.com/x")).toMatchObject({ ok: false, suggestion: "example.com" });
  });

  test.each([
    [253, true],
    [254, false],
  ])("total length %i: ok=%s", (length, ok) => {
    // GIVEN a name of exactly `length` characters with labels of at most 63
    const name = nameOfLength(length);
    // WHEN normalised; THEN 253 is the longest accepted
    expect(normalizeDomain(name).ok).toBe(ok);
  });

  test("253 characters plus a trailing dot is still 253", () => {
    expect(normalizeDomain(`${nameOfLength(253)}.`).ok).toBe(true);
  });
});

describe("normalizeHost", () => {
  test.each([
    ["imap.example.com", "imap.example.com", "name"],
    ["IMAP.Example.com.", "imap.example.com", "name"],
    ["mail", "mail", "name"],
    ["mail.bücher.example", "mail.xn--bcher-kva.example", "name"],
    ["93.184.215.14", "93.184.215.14", "ipv4"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1", "ipv6"],
    ["::1", "::1", "ipv6"],
  ])("accepts %s as %s (%s)", (text, value, kind) => {
    expect(normalizeHost(text)).toEqual({ ok: true, value, kind });
  });

  test.each([
    ["", "empty"],
    [" mail.example.com", "whitespace"],
    ["mail_1.example.com", '"_"'],
    ["mail.example.com:993", "port"],
    ["10.0.0.256", "IPv4"],
    ["010.0.0.1", "IPv4"],
    ["1.2.3", "IPv4"],
    ["[2001:db8::1]", "brackets"],
    ["fe80::1%eth0", "IPv6"],
    ["1::2::3", "IPv6"],
    ["user@mail.example.com", "@"],
    ["imaps://mail.example.com", "URL"],
    [`${label(64)}.example.com`, "64 characters"],
    ["123", "all digits"],
  ])("rejects %j (%s)", (text, reason) => {
    const result = normalizeHost(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  test("a host with a port suggests the host alone", () => {
    expect(normalizeHost("smtp.example.com:587")).toMatchObject({ ok: false, suggestion: "smtp.example.com" });
  });

  test("a bracketed IPv6 address suggests it without brackets", () => {
    expect(normalizeHost("[2001:DB8::1]")).toMatchObject({ ok: false, suggestion: "2001:db8::1" });
  });

  test.each([
    [63, true],
    [64, false],
  ])("a single label of %i characters: ok=%s", (length, ok) => {
    expect(normalizeHost(label(length)).ok).toBe(ok);
  });

  test.each([
    [253, true],
    [254, false],
  ])("total length %i: ok=%s", (length, ok) => {
    expect(normalizeHost(nameOfLength(length)).ok).toBe(ok);
  });
});

describe("the label rules' fast path", () => {
  /** The label rules one label at a time, as they are stated: what the one-match fast path must agree with. */
  const labelsValid = (name: string) =>
    name.split(".").every((l) => l.length >= 1 && l.length <= 63 && /^[a-z0-9-]+$/.test(l) && !l.startsWith("-") && !l.endsWith("-"));

  test("a host name is accepted exactly when every label passes the rules", () => {
    // GIVEN names of labels around the length limit, from letters, digits, hyphens and stray characters
    const part = fc.oneof(
      fc.constantFrom("a", "z", "0", "9", "-", "_", "."),
      fc.integer({ min: 60, max: 66 }).map((n) => "b".repeat(n)),
    );
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 12 }).map((parts) => parts.join("")), (name) => {
        const result = normalizeHost(name);
        // THEN a name with a bad label (one trailing dot is dropped first) is refused by the
        // label rules; a name with none passes them (it may still fail a later rule: length,
        // an all-digit last label)
        const labelRule = /^(label "|it has an empty label)/;
        if (!labelsValid(name.replace(/\.$/, ""))) expect(result.ok ? "accepted" : result.reason).toMatch(labelRule);
        else if (!result.ok) expect(result.reason).not.toMatch(labelRule);
      }),
      { numRuns: 3000 },
    );
  });
});
