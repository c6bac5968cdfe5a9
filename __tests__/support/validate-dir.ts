import * as fs from "node:fs";
import * as path from "node:path";
import type { Diagnostic } from "../../lib/config/diagnostic";
import { validateConfig } from "../../lib/validate";
import { writeConfigDir } from "../config/helpers";

/**
 * Validates `files` as `mailgate validate` does (the loader, empty files, the policy's limits,
 * the lifecycle against `placements` when given, as the artifacts directory's placements.json),
 * with positions and messages relative to the temp directory (`a.yaml:4:13`). Call
 * `removeTempDirs` from `afterAll`.
 */
export function validateFiles(files: Record<string, string>, placements?: string) {
  const dir = writeConfigDir(files);
  const outDir = placements === undefined ? undefined : path.join(dir, ".out");
  if (outDir !== undefined && placements !== undefined) {
    fs.mkdirSync(outDir);
    fs.writeFileSync(path.join(outDir, "placements.json"), placements);
  }
  const result = validateConfig(dir, outDir === undefined ? {} : { outDir });
  const strip = (text: string): string => text.split(`${dir}/`).join("");
  return {
    ...result,
    diagnostics: result.diagnostics.map(
      (d): Diagnostic => ({ ...d, message: strip(d.message), ...(d.hint ? { hint: strip(d.hint) } : {}), position: { ...d.position, file: strip(d.position.file) } }),
    ),
  };
}
