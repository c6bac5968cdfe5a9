// Fuzzing the YAML reading, the loader and the validator: whatever the files hold, reading keeps
// readYaml's contract, loading returns a config or located diagnostics, and neither throws.
// `npm run fuzz` runs the same properties with many more cases (MAILGATE_FUZZ_RUNS, and
// MAILGATE_FUZZ_SEED to replay a failure).
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { isMap, isScalar, isSeq, parseDocument, stringify, visit, type Document } from "yaml";
import { hasErrors } from "../../lib/config/diagnostic";
import { loadConfig } from "../../lib/config/load";
import { readYaml } from "../../lib/config/read-yaml";
import { prepare } from "../../lib/pipeline";
import { everyFieldExample, expectWellFormed, ScratchDir } from "./support";

/**
 * Cases per property: 2,600 in all in the suite (~2-3 ms each for random values, ~10 ms for a
 * mutated config, which runs the whole pipeline), each property's count in `npm run fuzz`.
 */
const FUZZ_RUNS = Number(process.env.MAILGATE_FUZZ_RUNS) || undefined;
const SEED = process.env.MAILGATE_FUZZ_SEED ? Number(process.env.MAILGATE_FUZZ_SEED) : undefined;
function params(suiteRuns: number): fc.Parameters<unknown> {
  return { numRuns: FUZZ_RUNS ?? suiteRuns, ...(SEED !== undefined ? { seed: SEED } : {}) };
}
/** Generous, so a long run is not cut short by the suite's timeout. */
const TIMEOUT = Math.max(60_000, (FUZZ_RUNS ?? 0) * 50);

const scratch = new ScratchDir();
afterAll(() => scratch.remove());

/** The property itself: load, then check the result's invariants; returns a failure or undefined. */
function loadChecked(files: Record<string, string | Uint8Array>, fullPipeline = false): string | undefined {
  const dir = scratch.write(files);
  const result = fullPipeline ? prepare(dir) : loadConfig(dir);
  const config = "config" in result ? result.config : undefined;
  if ((config !== undefined) === hasErrors(result.diagnostics)) return "a config exactly when there are no errors";
  if (!config && !result.diagnostics.some((d) => d.severity === "error")) return "no config and no error";
  return expectWellFormed(result.diagnostics, dir);
}

// ---- (a) random values and random bytes

/** Values yaml can write, from every JS kind fast-check knows, including odd keys. */
const anyValue = fc.anything({
  maxDepth: 4,
  maxKeys: 5,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withBoxedValues: true,
  withSparseArray: true,
});

/** Values shaped roughly like a config, so the checks past the schema's first layer run too. */
const configish = fc.record(
  {
    hubspot: fc.oneof(anyValue, fc.record({ ipRanges: fc.dictionary(fc.constantFrom("source", "smtp", "imap", "extra"), anyValue) })),
    domains: fc.oneof(anyValue, fc.array(fc.dictionary(fc.constantFrom("domain", "imap", "exchange", "firewalls", "Domain"), anyValue, { maxKeys: 4 }), { maxLength: 3 })),
    firewalls: fc.oneof(
      anyValue,
      fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.dictionary(
          fc.constantFrom("type", "region", "vpcId", "name", "securityGroupId", "account", "roleArn", "networkAclId", "ruleNumbers", "destinations", "capacity", "sources", "maxRules"),
          fc.oneof(anyValue, fc.constantFrom("aws-security-group", "aws-network-acl", "aws-network-firewall", "us-east-1", "prefix-lists")),
        ),
      ),
    ),
    terraform: fc.oneof(anyValue, fc.record({ backend: fc.dictionary(fc.constantFrom("local", "s3"), fc.oneof(anyValue, fc.dictionary(fc.constantFrom("bucket", "region", "keyPrefix", "useLockfile"), anyValue))) })),
  },
  { requiredKeys: [] },
);

function yamlText(value: unknown): string {
  try {
    // `undefined` has no YAML text: an empty file.
    return stringify(value) ?? "";
  } catch {
    // yaml cannot write every JS value (a boxed symbol, say); its error message is text too.
    return "x: [unwritable]\n";
  }
}

describe("fuzz (a): random values and bytes", () => {
  test(
    "random YAML values in one to three files: a config or located diagnostics, never a throw",
    () => {
      fc.assert(
        fc.property(fc.array(fc.oneof(anyValue, configish), { minLength: 1, maxLength: 3 }), (values) => {
          const files = Object.fromEntries(values.map((v, i) => [`f${i}.yaml`, yamlText(v)]));
          expect(loadChecked(files)).toBeUndefined();
        }),
        params(500),
      );
    },
    TIMEOUT,
  );

  test(
    "random text and random bytes as a config file: refused with located errors, never a throw",
    () => {
      const text = fc.oneof(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.string({ unit: fc.constantFrom(..."[]{}:-?&*!|>'\"#%@`,\t\r\n \u00a0\u2028\ufeffax1"), maxLength: 200 }),
      );
      const bytes = fc.uint8Array({ maxLength: 200 });
      fc.assert(
        fc.property(fc.oneof(text, bytes), (content) => {
          expect(loadChecked({ "a.yaml": content })).toBeUndefined();
        }),
        params(500),
      );
    },
    TIMEOUT,
  );
});

// ---- (b) a valid config, mutated

const EXAMPLE = everyFieldExample();

interface Mutation {
  /** Which node (by index among all nodes of the document) and what to do to it. */
  readonly target: number;
  readonly op: "delete" | "replace" | "wrap" | "rename-key" | "duplicate-key";
  readonly value: unknown;
  readonly depth: number;
}

/** Replacements: other types, odd unicode, huge and odd numbers, and hostile text. */
const replacement = fc.oneof(
  anyValue,
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    -0,
    0.5,
    65536,
    -1,
    "",
    " ",
    "\u0000",
    "\u202eexample.com",
    "e\u0301xample.com",
    "ëxample.com",
    "xn--",
    "xn--nxasmq6b.com",
    "🙂.example.com",
    "\ud800",
    "a".repeat(300),
    "${file(\"/etc/passwd\")}",
    "%{ if true }x%{ endif }",
    "${TfToken[TOKEN.1]}",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/8",
    "143.244.82.13/24",
    "https://user:pw@mail.example.com/EWS/Exchange.asmx",
    "http://mail.example.com/EWS/Exchange.asmx",
    "sg-0a1b2c3d",
    "vpc-0a1b2c3d",
    "us-east-1",
    "aws-security-group",
    true,
    null,
  ),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.integer(),
  fc.double(),
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  target: fc.nat(),
  op: fc.constantFrom("delete", "replace", "wrap", "rename-key", "duplicate-key"),
  value: replacement,
  depth: fc.integer({ min: 1, max: 80 }),
});

/** Applies `m` to the parsed document in place; all edits go through yaml's node API. */
function mutate(doc: Document, m: Mutation): void {
  const nodes: { parent: unknown; key: unknown; node: unknown }[] = [];
  visit(doc, {
    Pair(_, pair, path) {
      nodes.push({ parent: path[path.length - 1], key: pair.key, node: pair });
    },
    Scalar(key, node, path) {
      nodes.push({ parent: path[path.length - 1], key, node });
    },
    Seq(key, node, path) {
      nodes.push({ parent: path[path.length - 1], key, node });
    },
  });
  if (nodes.length === 0) return;
  const { parent, node } = nodes[m.target % nodes.length];
  const wrapped = (value: unknown): unknown => {
    let v = value;
    for (let i = 0; i < m.depth; i++) v = [v];
    return v;
  };
  if (isMap(parent) || isSeq(parent)) {
    const items = parent.items as unknown[];
    const index = items.indexOf(node);
    if (index === -1) return;
    const item = items[index] as { key?: unknown; value?: unknown };
    switch (m.op) {
      case "delete":
        items.splice(index, 1);
        return;
      case "rename-key":
        if (isMap(parent) && isScalar(item.key)) item.key = doc.createNode(typeof m.value === "string" ? m.value : yamlText(m.value).trim());
        return;
      case "duplicate-key":
        if (isMap(parent)) items.splice(index, 0, doc.createPair((item.key as { value?: unknown })?.value ?? "x", m.value));
        return;
      default: {
        const value = doc.createNode(m.op === "wrap" ? wrapped(m.value) : m.value);
        if (isMap(parent)) item.value = value;
        else items[index] = value;
      }
    }
  }
}

/** Text-level damage, for what the node API cannot express: broken syntax, stray bytes. */
const textEdit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 20 }), insert: fc.string({ unit: "binary", maxLength: 10 }) });

describe("fuzz (b): the shipped example, mutated", () => {
  test(
    "deleted keys, swapped types, odd unicode, huge numbers, deep nesting, duplicate keys: never a throw",
    () => {
      const names = Object.keys(EXAMPLE);
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.nat(), mutation), { minLength: 1, maxLength: 4 }), (mutations) => {
          const docs = new Map(names.map((name) => [name, parseDocument(EXAMPLE[name], { uniqueKeys: false })]));
          for (const [which, m] of mutations) {
            const doc = docs.get(names[which % names.length]);
            if (doc) mutate(doc, m);
          }
          const files = Object.fromEntries([...docs].map(([name, doc]) => [name, safeToString(doc)]));
          // The whole pipeline: a mutated config is often still valid, and then the policy,
          // quota checks and artifacts must cope with it too.
          expect(loadChecked(files, true)).toBeUndefined();
        }),
        params(300),
      );
    },
    TIMEOUT,
  );

  test(
    "random text edits of the example files: never a throw",
    () => {
      const names = Object.keys(EXAMPLE);
      fc.assert(
        fc.property(fc.nat(), fc.array(textEdit, { minLength: 1, maxLength: 3 }), (which, edits) => {
          const name = names[which % names.length];
          let text = EXAMPLE[name];
          for (const { at, remove, insert } of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + remove);
          }
          expect(loadChecked({ ...EXAMPLE, [name]: text }, true)).toBeUndefined();
        }),
        params(300),
      );
    },
    TIMEOUT,
  );
});

// ---- (c) readYaml itself: the one function through which config text becomes a value

/** The contract (DESIGN.md), or what breaks it. */
function readChecked(text: string): string | undefined {
  const reading = readYaml(text, "a.yaml");
  const errors = reading.diagnostics.filter((d) => d.severity === "error");
  if (("value" in reading) === errors.length > 0) return "a value exactly when there are no errors";
  const lines = text.split("\n").length;
  const off = reading.diagnostics.find((d) => d.position.file !== "a.yaml" || !(d.position.line >= 1 && d.position.line <= lines) || !(d.position.column >= 1));
  return off ? `a diagnostic off the file: ${JSON.stringify(off.position)}` : undefined;
}

describe("fuzz (c): readYaml on random and damaged text", () => {
  test(
    "random text, and the example files edited at random: never a throw, a value exactly without errors, errors at lines of the file",
    () => {
      const names = Object.keys(EXAMPLE);
      const random = fc.string({ unit: fc.constantFrom(..."[]{}:-?&*!|>'\"#%@`,\t\r\n \u00a0\u2028\ufeffax1"), maxLength: 300 });
      const edited = fc.tuple(fc.nat(), fc.array(textEdit, { minLength: 1, maxLength: 3 })).map(([which, edits]) => {
        let text = EXAMPLE[names[which % names.length]];
        for (const { at, remove, insert } of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        return text;
      });
      fc.assert(
        fc.property(fc.oneof(random, edited), (text) => {
          expect(readChecked(text)).toBeUndefined();
        }),
        params(1000),
      );
    },
    TIMEOUT,
  );
});

function safeToString(doc: Document): string {
  try {
    return doc.toString();
  } catch {
    return "x: [unwritable]\n";
  }
}
