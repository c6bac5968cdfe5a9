import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fastValue, parseConfigFile, parseStats, plainEnough, slowParse } from "../../lib/config/parse";
import { validateConfig } from "../../lib/validate";
import { generateConfig } from "../../scripts/bench/generate-config";
import { load, removeTempDirs, writeConfigDir } from "./helpers";

const ROOT = path.join(__dirname, "..", "..");

function generated(): string {
  const dir = writeConfigDir({});
  generateConfig(dir, { domains: 300, targets: 24, accounts: 3, roleArn: true, seed: 7 });
  return dir;
}

afterAll(removeTempDirs);

// Scalars that YAML 1.1, YAML 1.2 core and JSON read differently, and ordinary config text.
const TRICKY = [
  "yes", "no", "on", "off", "y", "n", "Yes", "NO", "~", "null", "Null", "NULL", "true", "True", "FALSE", "tRue",
  "0", "-0", "+0", "007", "08", "0888", "0o17", "0O17", "0x1F", "0X1f", "0xg", "0b101", "1_000", "+1", "-12", "1e3", "1E+3", "1.5", "1.", ".5",
  "-.5", "1.0", "6.8523015e+5", "685.230_15e+03", "190:20:30", "12:30:45", "1:20", "+.inf", ".Inf", "-.INF", ".nan", ".NaN", ".NAN", ".nAn",
  "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "0.5e-3", "9007199254740993", "123456789012345678901234567890",
  "1e400", "0x7FFFFFFFFFFFFFFFFF", "abc", "héllo", "日本語", "😀", "a b", "a#b", "a #b", "a,b", "a:b", "a: b", "-a", "- a", "a-", "@x", "`x", "=",
  "mx1.example.com", "https://mail.example.com/EWS/Exchange.asmx", "arn:aws:iam::123456789012:role/x", "10.0.0.0/8", "::1", "fe80::1", "\"\"", "''",
  "a'b", "%x", "sg-0ca716e7ef93a99e5", "vpc-1e5", "a1e5", "x1_0", "h1:2", "a:1e5", "a:1_0", "1e5x", "0e0", "1.e3", "1:2:3", "{", "}", "[", "]", ",", "?x", "? x", ":x", "x:", "#", "a  b", " a", "a ", "\u00e9", "\u0130", "\u212a", "\u00a0x",
];

const plainScalar = fc.oneof(
  fc.constantFrom(...TRICKY),
  fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/),
  fc.integer({ min: -100000, max: 100000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.string({ unit: "grapheme", maxLength: 6 }),
);
const singleQuoted = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "grapheme", maxLength: 8 })).map((s) => `'${s.replace(/'/g, "''")}'`);
const doubleQuoted = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: "grapheme", maxLength: 8 })).map((s) => `"${s.replace(/["\\]/g, "")}"`);
// Scalars over several lines (folded), and keys past yaml's 1,024-character limit on implicit keys.
const multiLine = fc
  .tuple(fc.constantFrom("", "'", '"'), fc.array(fc.constantFrom("a", "b c", "", "  d", "e #f", "yes"), { minLength: 2, maxLength: 4 }))
  .map(([q, lines]) => `${q}x${lines.join("\n      ")}${q}`);
const longText = fc.integer({ min: 1000, max: 1100 }).map((n) => "k".repeat(n));
const scalar = fc.oneof(
  { weight: 6, arbitrary: plainScalar },
  { weight: 2, arbitrary: singleQuoted },
  { weight: 2, arbitrary: doubleQuoted },
  { weight: 1, arbitrary: multiLine },
  { weight: 1, arbitrary: longText },
);
const key = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/) }, { weight: 1, arbitrary: scalar });

type Tree = { s: string } | { seq: Tree[]; flow: boolean } | { map: [string, Tree][]; flow: boolean };
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar.map((s): Tree => ({ s })),
    fc.record({ seq: fc.array(tie("tree"), { maxLength: 4 }), flow: fc.boolean() }),
    fc.record({ map: fc.array(fc.tuple(key, tie("tree")), { maxLength: 4 }), flow: fc.boolean() }),
  ),
}));

function flow(t: Tree): string {
  if ("s" in t) return t.s;
  if ("seq" in t) return `[${t.seq.map(flow).join(", ")}]`;
  return `{${t.map.map(([k, v]) => `${k}: ${flow(v)}`).join(", ")}}`;
}

/** Block style where asked (and possible), flow otherwise; with comments, blank lines, empty values. */
function block(t: Tree, indent: string): string {
  const h = hash(JSON.stringify(t));
  const comment = h % 5 === 0 ? " # note: a, [b]" : "";
  const blank = h % 7 === 0 ? "\n" : "";
  if ("s" in t && t.s === "" && h % 2 === 0) return `${comment}\n${blank}`;
  if ("s" in t || t.flow || ("seq" in t ? t.seq.length === 0 : t.map.length === 0)) return ` ${flow(t)}${comment}\n${blank}`;
  if ("seq" in t) {
    // A sequence in a mapping may sit at the mapping's own indentation.
    const at = h % 3 === 0 && indent.length >= 2 ? indent.slice(2) : indent;
    return `${comment}\n${t.seq.map((v) => `${at}-${block(v, `${at}  `)}`).join("")}`;
  }
  return `${comment}\n${t.map.map(([k, v]) => `${indent}${k}:${block(v, `${indent}  `)}`).join("")}`;
}

function hash(text: string): number {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}

function render(t: Tree, comment: boolean): string {
  const body = "map" in t && !t.flow && t.map.length > 0 ? block(t, "").slice(1) : flow(t);
  return `${comment ? "# generated\n" : ""}${body}\n`;
}

describe("fast path (js-yaml) against the slow path (yaml with positions)", () => {
  it("reads every text it accepts exactly as the slow path does, which finds nothing wrong", () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (t, comment) => {
        const text = render(t, comment);
        const fast = fastValue(text);
        if (!fast) return;
        const slow = slowParse("f.yaml", text);
        expect(slow.diagnostics, text).toEqual([]);
        expect(slow.ok, text).toBe(true);
        if (!isDeepStrictEqual(fast.value, slow.value)) expect(fast.value, text).toEqual(slow.value);
      }),
      { numRuns: Number(process.env.MAILGATE_FUZZ_RUNS ?? 300) },
    );
  });

  it("takes the fast path for a plain domains file, and parses it for positions only when asked", () => {
    const text = "domains:\n  - domain: a.example\n    imap:\n      incoming: { host: imap.a.example, port: 993 }\n";
    expect(plainEnough(text)).toBe(true);
    const before = { ...parseStats };
    const parsed = parseConfigFile("f.yaml", text);
    expect(parseStats.fast).toBe(before.fast + 1);
    const at = parsed.source.value(["domains", 0, "imap", "incoming", "port"]);
    expect(parseStats.lazy).toBe(before.lazy);
    expect(at.position).toEqual({ file: "f.yaml", line: 4, column: 47 });
    expect(parseStats.lazy).toBe(before.lazy + 1);
  });

  it.each([
    ["a security group id with a digit-e-digit run", "securityGroupId: sg-0ca716e7ef93a99e5\n"],
    ["an account's role ARN", 'account: "123456789012"\nroleArn: arn:aws:iam::123456789012:role/mailgate-deploy\n'],
    ["a hex VPC id", "vpcId: vpc-1e5d2e9a0b3c4d5e6\n"],
  ])("takes the fast path for %s (a number only where a scalar starts)", (_, text) => {
    expect(plainEnough(text)).toBe(true);
    expect(fastValue(text)).toBeDefined();
  });

  it.each([
    ["the advanced example (every target type)", path.join(ROOT, "examples", "advanced")],
    ["a generated config with accounts, roles and existing groups", generated],
  ])("GIVEN %s WHEN validated THEN every file takes the fast path and no YAML document is built", (_, dir) => {
    const before = { ...parseStats };
    const result = validateConfig(typeof dir === "string" ? dir : dir());
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.targets.length).toBeGreaterThan(1);
    expect(parseStats.slow).toBe(before.slow);
    expect(parseStats.lazy).toBe(before.lazy);
    expect(parseStats.fast).toBeGreaterThan(before.fast);
  });

  it.each([
    ["a duplicate key", "domains: []\ndomains: []\n"],
    ["an anchor and alias", "x: &a 1\ny: *a\n"],
    ["a tag", "x: !!binary aGVsbG8=\n"],
    ["a merge key", "x: { a: 1 }\ny: { <<: 1 }\n"],
    ["a directive", "%YAML 1.1\n---\nx: yes\n"],
  ])("sends a file with %s to the slow path, with the same diagnostics", (_, text) => {
    expect(fastValue(text)).toBeUndefined();
    const viaLoad = load({ "f.yaml": text }).diagnostics.filter((d) => d.code.startsWith("YAML") || d.code.includes("DUPLICATE"));
    const slow = slowParse("f.yaml", text).diagnostics;
    expect(viaLoad.map((d) => [d.code, d.message, d.position.line, d.position.column])).toEqual(
      slow.map((d) => [d.code, d.message, d.position.line, d.position.column]),
    );
  });
});
