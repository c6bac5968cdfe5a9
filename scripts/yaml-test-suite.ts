// Runs the YAML test suite (github.com/yaml/yaml-test-suite, `data` branch) through `readYaml`,
// the one function through which config text becomes a value, and prints the figures.
//
//   npx tsx scripts/yaml-test-suite.ts <suite dir> [--verbose]
//       <suite dir>: a checkout of the suite's `data` branch (one directory per case, some with
//       numbered sub-cases, each with in.yaml, and in.json for valid cases or `error` for
//       invalid ones).
//   npx tsx scripts/yaml-test-suite.ts <suite dir> --write-fixture <file> --commit <sha>
//       writes the cases as one JSON file (the suite is MIT-licensed; the licence goes with it),
//       which __tests__/hostile/yaml-test-suite.test.ts runs without the network.
//
// Each case ends in one of:
// - "read": valid, and read as the suite's in.json says;
// - "refused": refused with errors that all carry a line (for a valid case: a feature configs
//   never need, such as tags or several documents in one file; for an invalid case: right);
// - "unchecked": valid, read, but the suite has no in.json to compare with (keys that are
//   collections, which JSON cannot write);
// - "wrong": read differently from in.json, or an invalid case read as a value, or an error
//   without a line. There must be none.
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { readYaml } from "../lib/config/read-yaml";

export interface SuiteCase {
  /** `229Q`, or `2JQS` / `6BCT/01` for sub-cases. */
  readonly id: string;
  readonly name: string;
  readonly yaml: string;
  /** in.json's text, when the suite has one. */
  readonly json?: string;
  /** True for the suite's invalid cases (an `error` file). */
  readonly error: boolean;
}

export type Outcome = "read" | "refused" | "unchecked" | "wrong";

export interface CaseResult {
  readonly id: string;
  readonly name: string;
  readonly valid: boolean;
  readonly outcome: Outcome;
  readonly detail: string;
}

/** Every case under a `data` branch checkout, sorted by id. */
export function casesIn(dir: string): SuiteCase[] {
  const cases: SuiteCase[] = [];
  const visit = (relative: string): void => {
    const here = path.join(dir, relative);
    if (fs.existsSync(path.join(here, "in.yaml"))) {
      const read = (name: string) => (fs.existsSync(path.join(here, name)) ? fs.readFileSync(path.join(here, name), "utf8") : undefined);
      const json = read("in.json");
      cases.push({
        id: relative.split(path.sep).join("/"),
        name: (read("===") ?? "").trim(),
        yaml: read("in.yaml") ?? "",
        ...(json !== undefined ? { json } : {}),
        error: fs.existsSync(path.join(here, "error")),
      });
    }
    for (const entry of fs.readdirSync(here, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith(".") && (relative !== "" || /^[0-9A-Z]{4}$/.test(entry.name))) visit(path.join(relative, entry.name));
    }
  };
  visit("");
  return cases.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One case through `readYaml`. */
export function runCase(c: SuiteCase): CaseResult {
  const file = `${c.id}/in.yaml`;
  const result = (outcome: Outcome, detail: string): CaseResult => ({ id: c.id, name: c.name, valid: !c.error, outcome, detail });
  let reading: ReturnType<typeof readYaml>;
  try {
    reading = readYaml(c.yaml, file);
  } catch (e) {
    return result("wrong", `threw ${(e as Error).stack ?? String(e)}`);
  }
  const errors = reading.diagnostics.filter((d) => d.severity === "error");
  if (("value" in reading) === errors.length > 0) return result("wrong", "value present together with errors, or neither");
  const unlocated = errors.filter((d) => !(Number.isInteger(d.position.line) && d.position.line >= 1 && d.position.file === file));
  if (unlocated.length > 0) return result("wrong", `error without a line: ${unlocated[0].message}`);
  const firstError = errors[0] ? `${errors[0].position.line}:${errors[0].position.column} ${errors[0].code} ${errors[0].message}` : "";
  if (c.error) return "value" in reading ? result("wrong", `invalid YAML read as ${JSON.stringify(reading.value)}`) : result("refused", firstError);
  if (!("value" in reading)) return result("refused", firstError);
  if (c.json === undefined) return result("unchecked", JSON.stringify(reading.value) ?? "undefined");
  const documents = jsonDocuments(c.json);
  // A stream with no document is an empty file: a config with nothing in it.
  const expected = documents.length === 0 ? null : documents.length === 1 ? documents[0] : undefined;
  if (expected === undefined) return result("wrong", `${documents.length} documents read as one: ${JSON.stringify(reading.value)}`);
  if (!isDeepStrictEqual(reading.value, expected)) return result("wrong", `read ${JSON.stringify(reading.value)}, the suite says ${JSON.stringify(expected)}`);
  return result("read", "");
}

/** in.json holds one JSON text per YAML document, one after the other. */
export function jsonDocuments(text: string): unknown[] {
  const documents: unknown[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  skipSpace();
  while (i < text.length) {
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === "\\") i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "[" || c === "{") depth++;
      else if (c === "]" || c === "}") depth--;
      else if (depth === 0 && /\s/.test(c)) break;
      // A string, array or object at the top level ends with its closing character.
      if (depth === 0 && !inString && (c === '"' || c === "]" || c === "}") && i > start) {
        i++;
        break;
      }
    }
    documents.push(JSON.parse(text.slice(start, i)));
    skipSpace();
  }
  return documents;
}

export interface SuiteFigures {
  readonly total: number;
  readonly valid: { readonly total: number; readonly read: number; readonly refused: number; readonly unchecked: number; readonly wrong: number };
  readonly invalid: { readonly total: number; readonly refused: number; readonly wrong: number };
}

export function figures(results: readonly CaseResult[]): SuiteFigures {
  const count = (valid: boolean, outcome: Outcome) => results.filter((r) => r.valid === valid && r.outcome === outcome).length;
  return {
    total: results.length,
    valid: {
      total: results.filter((r) => r.valid).length,
      read: count(true, "read"),
      refused: count(true, "refused"),
      unchecked: count(true, "unchecked"),
      wrong: count(true, "wrong"),
    },
    invalid: { total: results.filter((r) => !r.valid).length, refused: count(false, "refused"), wrong: count(false, "wrong") },
  };
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { verbose: { type: "boolean", default: false }, "write-fixture": { type: "string" }, commit: { type: "string" } },
  });
  const dir = positionals[0];
  if (!dir || !fs.existsSync(dir)) {
    process.stderr.write("usage: npx tsx scripts/yaml-test-suite.ts <yaml-test-suite data branch dir> [--verbose] [--write-fixture FILE --commit SHA]\n");
    process.exit(2);
  }
  const cases = casesIn(dir);
  if (values["write-fixture"]) {
    const licence = fs.existsSync(path.join(dir, "License")) ? fs.readFileSync(path.join(dir, "License"), "utf8") : undefined;
    const fixture = {
      source: "https://github.com/yaml/yaml-test-suite, branch data",
      commit: values.commit ?? "unknown",
      licence: licence ?? "MIT License, Copyright (c) 2016-2020 Ingy döt Net (see the suite's License file)",
      cases,
    };
    fs.writeFileSync(values["write-fixture"], `${JSON.stringify(fixture, null, 1)}\n`);
    process.stderr.write(`wrote ${cases.length} cases to ${values["write-fixture"]}\n`);
  }
  const results = cases.map(runCase);
  for (const r of results) {
    if (r.outcome === "wrong" || values.verbose) process.stdout.write(`${r.outcome.padEnd(9)} ${r.valid ? "valid  " : "invalid"} ${r.id} ${r.name}${r.detail ? `: ${r.detail}` : ""}\n`);
  }
  const f = figures(results);
  process.stdout.write(
    `\n${f.total} cases. Valid ${f.valid.total}: ${f.valid.read} read as in.json, ${f.valid.refused} refused at a line, ${f.valid.unchecked} read without an in.json to compare, ${f.valid.wrong} wrong. ` +
      `Invalid ${f.invalid.total}: ${f.invalid.refused} refused at a line, ${f.invalid.wrong} wrong.\n`,
  );
  process.exit(f.valid.wrong + f.invalid.wrong > 0 ? 1 : 0);
}
