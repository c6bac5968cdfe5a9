// What the loader reads: only regular files inside the config directory. A FIFO would block the
// read forever, a symlink could pull a secret from outside into a CI log as a YAML excerpt, and
// a directory link could loop.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { readConfigFile } from "../../lib/config/files";
import { formatDiagnostics } from "../../lib/config/format";
import { loadConfig } from "../../lib/config/load";
import { DOMAIN_USING_FW, FIREWALL_FW, removeTempDirs, writeConfigDir } from "../config/helpers";
import { tempDir } from "../support/run";

afterAll(removeTempDirs);

const posix = process.platform !== "win32";
const hasMkfifo = posix && spawnSync("sh", ["-c", "command -v mkfifo"]).status === 0;

function loadRelative(dir: string) {
  const { config, diagnostics } = loadConfig(dir);
  return { config, diagnostics: diagnostics.map((d) => ({ ...d, position: { ...d.position, file: path.relative(dir, d.position.file) } })) };
}

const summary = (dir: string) => loadRelative(dir).diagnostics.map((d) => `${d.severity} ${d.code} ${d.position.file}`);

describe.runIf(posix)("symlinks", () => {
  test("GIVEN a config file linked to a secret outside the directory WHEN loaded THEN skipped with a warning, its content never shown", () => {
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, "credentials"), "[default]\naws_secret_access_key = SECRET-SHOULD-NOT-LEAK\n");
    const dir = writeConfigDir({ "domains.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
    fs.symlinkSync(path.join(outside, "credentials"), path.join(dir, "creds.yaml"));

    const { config, diagnostics } = loadRelative(dir);
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.position.file}`)).toEqual(["warning FILE_SKIPPED creds.yaml"]);
    expect(diagnostics[0].message).toContain("points outside the config directory");
    expect(formatDiagnostics(diagnostics)).not.toContain("SECRET");
    // Warnings only: the rest of the config is still used.
    expect(config).toBeDefined();
  });

  test("GIVEN a link to a file inside the directory WHEN loaded THEN it is read like any file", () => {
    const dir = writeConfigDir({ "shared/fw.yaml": FIREWALL_FW, "domains.yaml": DOMAIN_USING_FW });
    fs.symlinkSync(path.join("shared", "fw.yaml"), path.join(dir, "fw-link.yaml"));
    // Read twice (as itself and through the link): the firewall is defined twice.
    expect(summary(dir)).toEqual(["error DUPLICATE_FIREWALL shared/fw.yaml"]);
  });

  test("GIVEN directory links, one looping back to the directory WHEN loaded THEN none is followed and loading ends", () => {
    const dir = writeConfigDir({ "domains.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
    fs.symlinkSync(".", path.join(dir, "loop"));
    fs.symlinkSync(tempDir(), path.join(dir, "elsewhere.yaml"));
    expect(summary(dir)).toEqual(["warning FILE_SKIPPED elsewhere.yaml", "warning FILE_SKIPPED loop"]);
  });

  test("GIVEN a broken link named .yaml WHEN loaded THEN a warning; a broken link with another name is ignored", () => {
    const dir = writeConfigDir({ "domains.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
    fs.symlinkSync("nowhere.yaml", path.join(dir, "gone.yaml"));
    fs.symlinkSync("nowhere", path.join(dir, "README"));
    expect(summary(dir)).toEqual(["warning FILE_SKIPPED gone.yaml"]);
  });

  test("GIVEN a link to /dev/zero named .yaml WHEN loaded THEN skipped (outside), never read", () => {
    const dir = writeConfigDir({ "domains.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    expect(summary(dir)).toEqual(["warning FILE_SKIPPED zero.yaml"]);
  });
});

describe.runIf(hasMkfifo)("special files", () => {
  test(
    "GIVEN a FIFO named .yaml (reading it would block forever) WHEN loaded THEN skipped with a warning",
    () => {
      const dir = writeConfigDir({ "domains.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
      expect(spawnSync("mkfifo", [path.join(dir, "pipe.yaml")]).status).toBe(0);
      fs.symlinkSync("pipe.yaml", path.join(dir, "pipe-link.yaml"));
      const { diagnostics } = loadRelative(dir);
      expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.position.file}`)).toEqual([
        "warning FILE_SKIPPED pipe-link.yaml",
        "warning FILE_SKIPPED pipe.yaml",
      ]);
      expect(diagnostics[1].message).toBe("This is a named pipe (FIFO), not a regular file; mailgate does not read it (reading it could block forever).");
    },
    20_000,
  );

  test(
    "GIVEN a FIFO that appears after the directory was listed WHEN read THEN refused at once, not blocked",
    () => {
      const fifo = path.join(tempDir(), "late.yaml");
      expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
      expect(readConfigFile(fifo)).toEqual({ kind: "not-regular", what: "a named pipe (FIFO)" });
    },
    20_000,
  );
});

describe("reads are bounded whatever the file claims", () => {
  test.runIf(fs.existsSync("/proc/self/maps"))("a /proc file reports size 0 but has content: the read still stops at the limit", () => {
    expect(readConfigFile("/proc/self/maps", 64)).toMatchObject({ kind: "too-large", limit: 64 });
  });

  test("a missing file is a located FILE_UNREADABLE, not an exception", () => {
    expect(readConfigFile(path.join(tempDir(), "gone.yaml"))).toEqual({ kind: "unreadable", reason: "ENOENT" });
  });

});
