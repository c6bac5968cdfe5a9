/**
 * The house keeps its shape: imports point down the pipeline, never up, and no module is part of
 * an import cycle. Read from the source text (every `import ... from`, `export ... from`,
 * `import()` and `require()` of a relative path), not from mailgate's own code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { PROJECT_ROOT } from "../support/run";

/**
 * Layers from the bottom: a module may import its own layer's modules and any lower layer's.
 * config and policy both stand on the model only: the policy never reads YAML.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["lib/model"],
  ["lib/config", "lib/policy"],
  ["lib/terraform"],
  ["lib/audit"],
  // The cdktf edge, the artifacts, the files outside AWS, and the verifier that reads the written
  // Terraform JSON back (main.ts runs it after cdktf writes): none imports another.
  ["lib/aws", "lib/artifacts", "lib/firewalls", "lib/verify"],
  ["lib/io"],
  ["lib/settings.ts"],
  ["lib/validate.ts"],
  ["lib/pipeline.ts", "lib/diff.ts", "lib/ranges", "lib/live", "lib/init.ts"],
  ["main.ts"],
  // synth (main.ts), then Terraform: a command of the CLI's.
  ["lib/plan.ts"],
  ["lib/cli.ts"],
];

/** Imports between these pairs of layers are allowed although they share a level. */
const SIBLINGS_MAY_IMPORT: ReadonlySet<string> = new Set([
  // None: the verifier reads the written JSON (lib/verify), so lib/aws no longer needs lib/audit.
]);

/**
 * lib/kinds holds one folder per kind of target, each file one layer's part of the kind, named
 * after its part (`check.ts`, `plan.ts`, ...), beside the table of that part (`checks.ts`,
 * `plans.ts`, ...) and its interface (`plan-part.ts`). A part belongs to its layer: the kind's
 * planner is part of the policy and imports as the policy does. An AWS kind's constructs are of
 * the cdktf edge (they make lib/aws's constructs, which lib/aws/region-stack.ts adds to a stack),
 * and its reader of the written Terraform JSON is the verifier's.
 */
export const KIND_PARTS: Readonly<Record<string, string>> = {
  target: "lib/model",
  schema: "lib/config",
  check: "lib/config",
  plan: "lib/policy",
  report: "lib/audit",
  render: "lib/firewalls",
  live: "lib/live",
  construct: "lib/aws",
  verifier: "lib/verify",
};

/** The layer a file of lib/kinds belongs to, from its name (`plan.ts`, `plans.ts`, `plan-part.ts`, `check-fields.ts`, `check-clashes.ts`). */
function kindLayer(file: string): string | undefined {
  const match = /^lib\/kinds\/(?:[a-z-]+\/)?([a-z]+?)(?:s|-[a-z]+)?\.ts$/.exec(file);
  return match ? KIND_PARTS[match[1]] : undefined;
}

function layerOf(file: string): { index: number; name: string } {
  const kind = file.startsWith("lib/kinds/") ? kindLayer(file) : undefined;
  if (file.startsWith("lib/kinds/") && kind === undefined) throw new Error(`${file} is no kind's part: name it after one of ${Object.keys(KIND_PARTS).join(", ")}`);
  for (const [index, names] of LAYERS.entries()) {
    if (kind !== undefined && names.includes(kind)) return { index, name: kind };
    const name = names.find((n) => file === n || file.startsWith(`${n}/`));
    if (name) return { index, name };
  }
  throw new Error(`${file} is in no layer: add it to LAYERS`);
}

function sources(): string[] {
  const files = fs.readdirSync(path.join(PROJECT_ROOT, "lib"), { recursive: true, encoding: "utf8" }).map((f) => `lib/${f.split(path.sep).join("/")}`);
  return [...files.filter((f) => f.endsWith(".ts")), "main.ts"].sort();
}

/** Relative imports of a file, resolved to project paths (`lib/x/y.ts`). */
export function importsOf(file: string, text = fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gms),
    ...text.matchAll(/\b(?:import|require)\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);
  return specifiers
    .filter((s) => s.startsWith("."))
    .map((s) => {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), s));
      if (path.posix.extname(base) !== "" && fs.existsSync(path.join(PROJECT_ROOT, base))) return base;
      for (const candidate of [`${base}.ts`, `${base}/index.ts`]) if (fs.existsSync(path.join(PROJECT_ROOT, candidate))) return candidate;
      return `${base}.ts`;
    })
    .filter((target) => target.endsWith(".ts"));
}

/** Imports that point up (or sideways between siblings that may not). */
export function upwardImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    for (const target of targets) {
      const to = layerOf(target);
      const sideways = to.index === from.index && to.name !== from.name && !SIBLINGS_MAY_IMPORT.has(`${from.name} -> ${to.name}`);
      if (to.index > from.index || sideways) found.push(`${file} -> ${target}`);
    }
  }
  return found.sort();
}

/** Every cycle's members, found with Tarjan's strongly connected components. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the house: imports point down the pipeline", () => {
  const graph = new Map(sources().map((file) => [file, importsOf(file)]));

  test("every module is in a layer, and no import points up", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(upwardImports(graph)).toEqual([]);
  });

  test("no module is part of an import cycle", () => {
    expect(cycles(graph)).toEqual([]);
  });

  test("GIVEN an upward import added (the model reading the config) THEN the check names it", () => {
    const withUpward = new Map(graph);
    withUpward.set("lib/model/cidr.ts", [...(graph.get("lib/model/cidr.ts") ?? []), "lib/config/diagnostic.ts"]);
    expect(upwardImports(withUpward)).toEqual(["lib/model/cidr.ts -> lib/config/diagnostic.ts"]);
  });

  test("GIVEN a cycle added THEN the check names its members", () => {
    const withCycle = new Map(graph);
    withCycle.set("lib/model/stack.ts", [...(graph.get("lib/model/stack.ts") ?? []), "lib/model/cidr.ts"]);
    withCycle.set("lib/model/cidr.ts", [...(graph.get("lib/model/cidr.ts") ?? []), "lib/model/stack.ts"]);
    expect(cycles(withCycle)).toContainEqual(["lib/model/cidr.ts", "lib/model/stack.ts"]);
  });

  test("imports are read from every form the code uses", () => {
    const text = 'import { a } from "./a";\nimport type {\n  B,\n} from "../policy/b";\nexport * from "./c";\nconst d = await import("./d");\n';
    expect(importsOf("lib/model/x.ts", text)).toEqual(["lib/model/a.ts", "lib/policy/b.ts", "lib/model/c.ts", "lib/model/d.ts"]);
  });
});

// The kinds of target: outside lib/kinds nothing names one (no `switch` or `if` on a target's
// type), and every kind has every part, each read through its layer's table.

/** The target types the kinds declare, each in its `target.ts` (`readonly type: "nftables";`), so a new kind is watched too. */
export function targetTypes(files: ReadonlyMap<string, string>): string[] {
  return [...files]
    .filter(([file]) => /^lib\/kinds\/[a-z-]+\/target\.ts$/.test(file))
    .flatMap(([, text]) => [...text.matchAll(/^\s*readonly type: "([a-z0-9-]+)";$/gm)].map((m) => m[1]))
    .sort();
}

/** Files outside lib/kinds whose text names a target type (quoted), with the first line that does. */
export function namingTargetTypes(files: ReadonlyMap<string, string>): string[] {
  const types = new Set(targetTypes(files));
  const found: string[] = [];
  for (const [file, text] of files) {
    if (file.startsWith("lib/kinds/")) continue;
    const line = text.split("\n").findIndex((l) => [...l.matchAll(/["']([a-z0-9-]+)["']/g)].some((m) => types.has(m[1])));
    if (line >= 0) found.push(`${file}:${line + 1}`);
  }
  return found.sort();
}

/** The parts every kind's folder holds, each read by the table named after it (`plan.ts` by `plans.ts`). */
export const PARTS = ["target", "schema", "check", "plan", "report", "render", "live"] as const;

/** The parts only a kind in AWS holds (its rules are Terraform resources, not files): its constructs and their reader. */
export const AWS_PARTS = ["construct", "verifier"] as const;

/** Whether a kind is in AWS, as its target part says (`aws: true`). */
export function isAwsKind(targetText: string): boolean {
  return /^\s*aws: true,$/m.test(targetText);
}

/**
 * Per kind folder, the parts it lacks: no file, or its layer's table does not import it; an AWS
 * kind (`isAws`) lacks its AWS parts too, and another kind may not have them.
 */
export function missingParts(files: readonly string[], importsOfTable: (table: string) => readonly string[], isAws: (kind: string) => boolean): string[] {
  const kinds = [...new Set(files.flatMap((f) => /^lib\/kinds\/([a-z-]+)\/[a-z-]+\.ts$/.exec(f)?.[1] ?? []))].sort();
  const missing: string[] = [];
  for (const kind of kinds) {
    const aws = isAws(kind);
    for (const part of aws ? [...PARTS, ...AWS_PARTS] : PARTS) {
      const file = `lib/kinds/${kind}/${part}.ts`;
      if (!files.includes(file)) missing.push(`${file}: missing`);
      else if (!importsOfTable(`lib/kinds/${part}s.ts`).includes(file)) missing.push(`${file}: not in lib/kinds/${part}s.ts`);
    }
    if (!aws) for (const part of AWS_PARTS) if (files.includes(`lib/kinds/${kind}/${part}.ts`)) missing.push(`lib/kinds/${kind}/${part}.ts: not an AWS kind's part`);
  }
  return missing;
}

describe("the house: each kind of target in one folder", () => {
  const files = sources().filter((f) => f !== "main.ts");
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8")]));

  test("outside lib/kinds no file names a target type", () => {
    expect(targetTypes(texts)).toEqual(expect.arrayContaining(["allowlist", "aws-network-acl", "aws-network-firewall", "aws-security-group", "nftables", "windows-firewall"]));
    expect(namingTargetTypes(texts)).toEqual([]);
  });

  test("GIVEN a switch on the type added to the policy THEN the check names the file and line", () => {
    const withSwitch = new Map(texts);
    withSwitch.set("lib/policy/x.ts", 'export function f(t: { type: string }) {\n  switch (t.type) {\n    case "nftables":\n      return 1;\n  }\n}\n');
    expect(namingTargetTypes(withSwitch).filter((at) => at.startsWith("lib/policy/"))).toEqual(["lib/policy/x.ts:3"]);
    // A kind added later is watched as soon as its target.ts declares its type.
    withSwitch.set("lib/kinds/fortigate/target.ts", 'export type FortigateTarget = TargetBase & {\n  readonly type: "fortigate";\n};\n');
    withSwitch.set("lib/config/y.ts", 'if (t.type === "fortigate") return;\n');
    expect(namingTargetTypes(withSwitch).filter((at) => at.startsWith("lib/config/y"))).toEqual(["lib/config/y.ts:1"]);
  });

  const isAws = (kind: string) => isAwsKind(texts.get(`lib/kinds/${kind}/target.ts`) ?? "");

  test("every kind has every part, and every part is in its table", () => {
    const kinds = new Set(files.flatMap((f) => /^lib\/kinds\/([a-z-]+)\//.exec(f)?.[1] ?? []));
    // Read right: one type per folder, and the three AWS kinds of today (at least) found AWS ones.
    expect(kinds.size).toBe(targetTypes(texts).length);
    expect(["network-acl", "network-firewall", "security-group"].every(isAws) && !["nftables", "windows-firewall", "allowlist"].some(isAws)).toBe(true);
    expect(missingParts(files, (table) => importsOf(table), isAws)).toEqual([]);
  });

  test("GIVEN a kind without a planner, and one left out of the report table THEN both are named", () => {
    const withGap = [...files.filter((f) => f !== "lib/kinds/allowlist/plan.ts"), "lib/kinds/fortigate/target.ts"];
    const imports = (table: string) => importsOf(table).filter((f) => f !== "lib/kinds/nftables/report.ts");
    const missing = missingParts(withGap, imports, isAws);
    expect(missing).toContain("lib/kinds/allowlist/plan.ts: missing");
    expect(missing).toContain("lib/kinds/nftables/report.ts: not in lib/kinds/reports.ts");
    expect(missing).toContain("lib/kinds/fortigate/check.ts: missing");
  });

  test("GIVEN an AWS kind without its constructs, one left out of the verifiers, and constructs for a kind outside AWS THEN all are named", () => {
    const withGap = [...files.filter((f) => f !== "lib/kinds/network-acl/construct.ts"), "lib/kinds/nftables/construct.ts"];
    const imports = (table: string) => importsOf(table).filter((f) => f !== "lib/kinds/security-group/verifier.ts");
    expect(missingParts(withGap, imports, isAws)).toEqual([
      "lib/kinds/network-acl/construct.ts: missing",
      "lib/kinds/nftables/construct.ts: not an AWS kind's part",
      "lib/kinds/security-group/verifier.ts: not in lib/kinds/verifiers.ts",
    ]);
    // Read from the target part's text: only `aws: true` makes a kind an AWS one.
    expect(isAwsKind("export const x: TargetPart<X> = {\n  aws: false,\n};\n")).toBe(false);
    expect(isAwsKind("export const x: TargetPart<X> = {\n  aws: true,\n};\n")).toBe(true);
  });
});
