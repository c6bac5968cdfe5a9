import * as fs from "node:fs";
import * as path from "node:path";
import { expect, test } from "vitest";
import { prepare } from "../../lib/pipeline";
import { PROJECT_ROOT } from "../support/run";

// The repository commits generated/ for the example config, as teams using mailgate do, so a
// change that alters any artifact shows up in review. Regenerate with `npm run synth`.
test("generated/ holds exactly what the example config renders (run npm run synth after changing outputs)", () => {
  // As synth and check read it: generated/placements.json names the config directory it belongs to.
  const prepared = prepare(path.join(PROJECT_ROOT, "config"), { outDir: path.join(PROJECT_ROOT, "generated") });
  if (!prepared.ok) throw new Error("the example config is invalid");
  const committed = fs.readdirSync(path.join(PROJECT_ROOT, "generated")).sort();
  expect(committed).toEqual([...prepared.artifacts.keys()].sort());
  for (const [name, content] of prepared.artifacts) {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, "generated", name), "utf8"), name).toBe(content);
  }
});
