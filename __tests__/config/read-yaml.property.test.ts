// Properties of the one YAML reading (read-yaml.ts), on generated YAML full of what YAML
// dialects read differently: the contract holds for any text; a line means the same whatever
// unrelated text the file holds besides; JSON and what yaml writes read back as the value.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { readYaml } from "../../lib/config/read-yaml";

const RUNS = Number(process.env.MAILGATE_FUZZ_RUNS ?? 300);

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

/** The contract: a value exactly when there is no error; every diagnostic at a line of the file. */
function expectContract(text: string, reading: ReturnType<typeof readYaml>): void {
  const errors = reading.diagnostics.filter((d) => d.severity === "error");
  expect("value" in reading, text).toBe(errors.length === 0);
  const lines = text.split("\n").length;
  for (const d of reading.diagnostics) {
    expect(d.position.file).toBe("f.yaml");
    expect(d.position.line, text).toBeGreaterThanOrEqual(1);
    expect(d.position.line, text).toBeLessThanOrEqual(lines);
    expect(d.position.column).toBeGreaterThanOrEqual(1);
  }
}

/** Valid YAML that has nothing to do with what comes before it: other keys, an anchor, many values. */
const unrelated = fc.oneof(
  { weight: 3, arbitrary: fc.constant("# trailing notes\n") },
  { weight: 3, arbitrary: fc.constant("x-anchor: &shared { port: 993 }\nx-alias: *shared\n") },
  // (61,000 values, where the old fast path stepped aside, take too long to read here on every
  // run: yaml-reading.test.ts puts them before each input that was misread.)
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map((n) => `x-filler-${n}: [${Array(500 + n).fill("1").join(",")}]\n`) },
  { weight: 3, arbitrary: fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 5 }).map((names) => names.map((n, i) => `x-${i}-${n}: ${n}\n`).join("")) },
);

describe("readYaml on generated YAML", () => {
  it("keeps the contract for any text: a value exactly without errors, every diagnostic at a line", () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (t, comment) => {
        const text = render(t, comment);
        expectContract(text, readYaml(text, "f.yaml"));
      }),
      { numRuns: RUNS },
    );
  });

  it("reads a file's lines the same whatever unrelated text follows them (an anchor and alias, many values, other keys)", () => {
    const blockMap = tree.filter((t) => "map" in t && !t.flow && t.map.length > 0);
    fc.assert(
      fc.property(blockMap, unrelated, (t, extra) => {
        const text = render(t, false);
        // At the root mapping's own indentation (a key that starts with a blank indents it), read
        // from its first line with content: a key "#" renders as a comment line before it.
        const indent = /^( *)[^ #\n]/m.exec(text)?.[1] ?? "";
        const alone = readYaml(text, "f.yaml");
        const more = readYaml(text + extra.replace(/^(?=.)/gm, indent), "f.yaml");
        if (!("value" in alone)) {
          // Still refused (where: an unclosed bracket is reported where the text ends).
          expect("value" in more, text).toBe(false);
          return;
        }
        // Rendered as a mapping but read otherwise (a multi-line plain key can read as one
        // scalar, the rest a comment): then what follows is no sibling key.
        if (alone.value === null || typeof alone.value !== "object" || Array.isArray(alone.value)) return;
        expect(more.diagnostics, text + extra).toEqual([]);
        const before = alone.value as Record<string, unknown>;
        const after = more.value as Record<string, unknown>;
        for (const key of Object.keys(before)) if (!isDeepStrictEqual(after[key], before[key])) expect(after[key], text).toEqual(before[key]);
      }),
      { numRuns: RUNS },
    );
  });

  it("reads a file's lines the same whatever comments and blank lines come before them, only further down", () => {
    fc.assert(
      fc.property(tree, fc.array(fc.constantFrom("# note", "", "#", "  # indented note"), { minLength: 1, maxLength: 4 }), (t, lines) => {
        const text = render(t, false);
        const prefix = `${lines.join("\n")}\n`;
        const alone = readYaml(text, "f.yaml");
        const more = readYaml(prefix + text, "f.yaml");
        expect("value" in more).toBe("value" in alone);
        if ("value" in alone) expect(isDeepStrictEqual(more.value, alone.value)).toBe(true);
        const shift = lines.length;
        expect(more.diagnostics.map((d) => [d.message, d.position.line - shift, d.position.column])).toEqual(
          alone.diagnostics.map((d) => [d.message, d.position.line, d.position.column]),
        );
      }),
      { numRuns: RUNS },
    );
  });
});

/** JSON values a config could hold: keys that are names, no empty keys. */
const jsonValue = fc.jsonValue({ maxDepth: 4 }).map(function clean(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clean);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => k !== "" && k.length < 100).map(([k, x]) => [k, clean(x)]));
  }
  return v;
});

describe("what others write reads back", () => {
  it("JSON (a subset of YAML 1.2) reads as JSON.parse reads it", () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const text = JSON.stringify(v);
        const reading = readYaml(text, "f.yaml");
        expect(reading.diagnostics, text).toEqual([]);
        expect(isDeepStrictEqual(reading.value, JSON.parse(text)), text).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("YAML written by the yaml library (block style, as editors format it) reads back as the value", () => {
    fc.assert(
      fc.property(jsonValue, (v) => {
        const text = stringify(v);
        const reading = readYaml(text, "f.yaml");
        expect(reading.diagnostics, text).toEqual([]);
        expect(isDeepStrictEqual(reading.value, v), text).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
