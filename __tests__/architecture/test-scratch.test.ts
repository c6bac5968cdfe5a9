// The suite leaves the machine's temporary directory as it found it: whatever a test or a library
// puts under os.tmpdir() is inside the run's scratch directory, which the global setup removes
// when the run ends (support/global-setup.ts). cdktf's Testing.app() makes a directory per app
// and never removes it: before this, a run of the suite left ~1,000 of them in /tmp.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { runDir } from "../support/run-dir";

describe("the suite's temporary files", () => {
  test("GIVEN a cdktf test app THEN its output directory is inside the run's scratch directory", () => {
    const app = Testing.app();
    const outdir = path.resolve(app.outdir);
    const run = path.resolve(runDir());
    expect(fs.existsSync(outdir)).toBe(true);
    expect(path.relative(run, outdir).startsWith("..")).toBe(false);
    expect(path.relative(run, os.tmpdir()).startsWith("..")).toBe(false);
  });
});
