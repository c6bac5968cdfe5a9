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
import { NO_PLACEMENTS, renderPlacements } from "../../lib/policy/placements";
import { PLACEMENTS_MAX_BYTES, validateConfig } from "../../lib/validate";
import { DOMAIN_USING_FW, FIREWALL_FW, removeTempDirs, writeConfigDir } from "../config/helpers";
import { PROJECT_ROOT, tempDir } from "../support/run";

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

/**
 * placements.json is read by every command from the artifacts directory, which tools and CI
 * write to as well: it is read like a config file, and anything but a plain file of sane size is
 * refused at once (PLACEMENTS_UNREADABLE), never read without end nor waited on.
 */
describe.runIf(posix)("placements.json that is not a plain file", () => {
  /** A valid config and its artifacts directory, with `make` putting something at placements.json. */
  function artifactsWith(make: (placements: string, out: string) => void): { dir: string; out: string } {
    const dir = writeConfigDir({ "domains.yaml": DOMAIN_USING_FW, "fw.yaml": FIREWALL_FW });
    const out = path.join(dir, ".out");
    fs.mkdirSync(out);
    make(path.join(out, "placements.json"), out);
    return { dir, out };
  }

  function refusal(make: (placements: string, out: string) => void) {
    const { dir, out } = artifactsWith(make);
    const { config, diagnostics } = validateConfig(dir, { outDir: out });
    return { config, out, text: formatDiagnostics(diagnostics), codes: diagnostics.map((d) => `${d.severity} ${d.code}`) };
  }

  /**
   * `mailgate validate` in its own process, killed after 30 s: a read that blocks or never ends
   * would hold a test's thread, where vitest's timeout cannot interrupt it. Killed, the status is
   * null and the test fails instead of hanging.
   */
  function refusalInChild(make: (placements: string, out: string) => void) {
    const { dir, out } = artifactsWith(make);
    const result = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "run-ts.cjs"), "lib/cli.ts", "validate", "--config", dir, "--out", out], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, CI: "" },
      encoding: "utf8",
      timeout: 30_000,
    });
    return { status: result.status, stderr: result.stderr, out };
  }

  test(
    "GIVEN placements.json linked to /dev/zero WHEN validated THEN refused at once, never read",
    () => {
      const result = refusalInChild((file) => fs.symlinkSync("/dev/zero", file));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`error PLACEMENTS_UNREADABLE: ${result.out}/placements.json cannot be read: it is a symbolic link to /dev/zero, outside ${result.out}`);
    },
    60_000,
  );

  test.runIf(hasMkfifo)(
    "GIVEN placements.json is a FIFO (reading it would block forever) WHEN validated THEN refused at once",
    () => {
      const result = refusalInChild((file) => expect(spawnSync("mkfifo", [file]).status).toBe(0));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("error PLACEMENTS_UNREADABLE");
      expect(result.stderr).toContain("cannot be read: it is a named pipe (FIFO), not a regular file");
    },
    60_000,
  );

  test.runIf(hasMkfifo)(
    "GIVEN placements.json linked to a FIFO inside the artifacts directory WHEN validated THEN the link is followed and the FIFO refused",
    () => {
      const result = refusalInChild((file, out) => {
        expect(spawnSync("mkfifo", [path.join(out, "pipe")]).status).toBe(0);
        fs.symlinkSync("pipe", file);
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain("cannot be read: it is a named pipe (FIFO), not a regular file");
    },
    60_000,
  );

  test("GIVEN a link to a file outside the artifacts directory WHEN validated THEN refused, its content never shown", () => {
    const secret = path.join(tempDir(), "credentials");
    fs.writeFileSync(secret, "[default]\naws_secret_access_key = SECRET-SHOULD-NOT-LEAK\n");
    const result = refusal((file) => fs.symlinkSync(secret, file));
    expect(result.codes).toEqual(["error PLACEMENTS_UNREADABLE"]);
    expect(result.text).toContain(`it is a symbolic link to ${secret}, outside`);
    expect(result.text).not.toContain("SECRET");
  });

  test("GIVEN a link to placements inside the artifacts directory WHEN validated THEN they are read", () => {
    const result = refusal((file, out) => {
      fs.writeFileSync(path.join(out, "kept.json"), renderPlacements(NO_PLACEMENTS));
      fs.symlinkSync("kept.json", file);
    });
    expect(result.codes).toEqual([]);
    expect(result.config).toBeDefined();
  });

  test("GIVEN a dangling link WHEN validated THEN refused: placements were kept there, so this is no first synth", () => {
    const result = refusal((file) => fs.symlinkSync("gone.json", file));
    expect(result.codes).toEqual(["error PLACEMENTS_UNREADABLE"]);
    expect(result.text).toContain("cannot be read: it is a symbolic link to gone.json, which does not exist");
  });

  test("GIVEN placements.json over the size limit WHEN validated THEN refused by its size, before reading", () => {
    // Sparse: 16 MiB + 1 of zeros on no disk; read, it would be "not JSON".
    const result = refusal((file) => {
      fs.writeFileSync(file, "");
      fs.truncateSync(file, PLACEMENTS_MAX_BYTES + 1);
    });
    expect(result.text).toContain(`cannot be read: it is ${16 * 1024 * 1024 + 1} bytes, over the limit of ${16 * 1024 * 1024}`);
  });

  test("GIVEN placements.json is a directory WHEN validated THEN refused as not a regular file", () => {
    const result = refusal((file) => fs.mkdirSync(file));
    expect(result.codes).toEqual(["error PLACEMENTS_UNREADABLE"]);
    expect(result.text).toContain("cannot be read: it is a directory, not a regular file");
  });
});
