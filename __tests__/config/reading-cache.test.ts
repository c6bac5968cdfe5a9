import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../lib/config/load";
import { readYamlIndexed, type IndexedYamlReading } from "../../lib/config/read-yaml";
import { cacheDirectory, cachedReading, entryKey, MAX_ENTRIES } from "../../lib/config/reading-cache";
import { generateConfig } from "../../scripts/bench/generate-config";

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailgate-reading-cache-"));
  scratch.push(dir);
  return dir;
}

/** A clean config text over the size the cache starts at, with the values the serializer must keep. */
function bigText(extra = ""): string {
  const lines = ["# comment", "__proto__: {a: 1}", "anchored: &x {k: [1, -0, ~, true, 'q']}", "again: *x", `extra: "${extra}"`, "domains:"];
  for (let i = 0; lines.join("\n").length < 32 * 1024; i++) lines.push(`  - domain: d${i}.example.com`, `    imap: { incoming: { host: imap.d${i}.example.com, port: 993 } }`);
  return `${lines.join("\n")}\n`;
}

/** The reader, counting its calls. */
function counted(text: string, file = "c.yaml"): { read: () => IndexedYamlReading; calls: () => number } {
  let calls = 0;
  return {
    read: () => {
      calls++;
      return readYamlIndexed(text, file);
    },
    calls: () => calls,
  };
}

describe("the reading cache", () => {
  test("an unchanged file's second reading comes from the cache and equals the reader's", () => {
    // GIVEN a clean file read once through the cache
    const dir = tempDir();
    const text = bigText();
    const fresh = readYamlIndexed(text, "c.yaml");
    const first = counted(text);
    cachedReading(text, first.read, { dir });
    // WHEN read again
    const second = counted(text);
    const again = cachedReading(text, second.read, { dir });
    // THEN the reader did not run, and the result is the reader's, -0, __proto__ and alias identity included
    expect(first.calls()).toBe(1);
    expect(second.calls()).toBe(0);
    expect(again).toEqual(fresh);
    const value = again.value as Record<string, { k: unknown[] }>;
    expect(Object.keys(value).slice(0, 3)).toEqual(["__proto__", "anchored", "again"]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.is(value.anchored.k[1], -0)).toBe(true);
    expect(value.again).toBe(value.anchored);
    expect(again.positions.nodes).toEqual(fresh.positions.nodes);
    expect(again.positions.edges).toEqual(fresh.positions.edges);
    expect(again.lineStarts).toEqual(fresh.lineStarts);
  });

  test("a reading with problems is never stored: its diagnostics always come from the reader", () => {
    const dir = tempDir();
    const text = `${bigText()}domains: []\n`; // a duplicate key
    const first = counted(text);
    const reading = cachedReading(text, first.read, { dir });
    expect(reading.diagnostics.map((d) => d.code)).toEqual(["DUPLICATE_KEY"]);
    const second = counted(text);
    cachedReading(text, second.read, { dir });
    expect(second.calls()).toBe(1);
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  test("a damaged entry is read past, and the reading is the reader's", () => {
    const dir = tempDir();
    const text = bigText();
    cachedReading(text, counted(text).read, { dir });
    fs.writeFileSync(path.join(dir, `${entryKey(text)}.v8`), "not an entry");
    const after = counted(text);
    expect(cachedReading(text, after.read, { dir })).toEqual(readYamlIndexed(text, "c.yaml"));
    expect(after.calls()).toBe(1);
  });

  test("a hit reads its positions only when asked; an entry gone by then (pruned by another run) gets the reader's", () => {
    // GIVEN a clean file stored, then found
    const dir = tempDir();
    const text = bigText();
    const fresh = readYamlIndexed(text, "c.yaml");
    cachedReading(text, counted(text).read, { dir });
    const found = counted(text);
    const hit = cachedReading(text, found.read, { dir });
    const gone = counted(text);
    const hitThenGone = cachedReading(text, gone.read, { dir });
    // WHEN the first asks for its positions at once, the second only after the entry is removed
    expect(hit.positions.keys).toEqual(fresh.positions.keys);
    fs.rmSync(path.join(dir, `${entryKey(text)}.v8`));
    // THEN both have the reader's positions: from the entry, then from the reader itself
    expect(found.calls()).toBe(0);
    expect(hitThenGone.positions.nodes).toEqual(fresh.positions.nodes);
    expect(hitThenGone.positions.keys).toEqual(fresh.positions.keys);
    expect(gone.calls()).toBe(1);
  });

  test("another text is another entry, small files too; a cache turned off reads every time", () => {
    const dir = tempDir();
    expect(entryKey(bigText("a"))).not.toBe(entryKey(bigText("b")));
    expect(entryKey(bigText("a"))).toBe(entryKey(bigText("a")));
    const small = "domains: []\n";
    const read = counted(small);
    cachedReading(small, read.read, { dir });
    expect(cachedReading(small, read.read, { dir })).toEqual(readYamlIndexed(small, "c.yaml"));
    expect(read.calls()).toBe(1);
    const off = counted(bigText());
    cachedReading(bigText(), off.read, {});
    cachedReading(bigText(), off.read, {});
    expect(off.calls()).toBe(2);
  });

  test("the directory: MAILGATE_CACHE_DIR, off, XDG_CACHE_HOME, then ~/.cache", () => {
    expect(cacheDirectory({ MAILGATE_CACHE_DIR: "off", XDG_CACHE_HOME: "/x" })).toBeUndefined();
    expect(cacheDirectory({ MAILGATE_CACHE_DIR: "/c" })).toBe(path.resolve("/c", "readings"));
    expect(cacheDirectory({ XDG_CACHE_HOME: "/x" })).toBe(path.join("/x", "mailgate", "readings"));
    expect(cacheDirectory({})).toBe(path.join(os.homedir(), ".cache", "mailgate", "readings"));
  });

  test(`past a quarter more than ${MAX_ENTRIES} entries, the newest ${MAX_ENTRIES} are kept`, () => {
    const dir = tempDir();
    const clean = (i: number) => () => ({ value: i, diagnostics: [], positions: { nodes: new Int32Array(0), edges: new Int32Array(0), keys: [] }, lineStarts: new Int32Array(1), omitted: { errors: 0, warnings: 0 } });
    const count = () => fs.readdirSync(dir).filter((f) => f.endsWith(".v8")).length;
    const limit = MAX_ENTRIES + MAX_ENTRIES / 4;
    for (let i = 0; i < limit; i++) {
      const text = bigText(String(i));
      cachedReading(text, clean(i), { dir });
      // Written in the past, a second apart: the order is certain.
      const when = new Date(Date.UTC(2020, 0, 1, 0, 0, i));
      fs.utimesSync(path.join(dir, `${entryKey(text)}.v8`), when, when);
    }
    expect(count()).toBe(limit);
    // WHEN one more is written; THEN the oldest go, the newest stay
    const newest = bigText("newest");
    cachedReading(newest, clean(-1), { dir });
    expect(count()).toBe(MAX_ENTRIES);
    expect(fs.existsSync(path.join(dir, `${entryKey(newest)}.v8`))).toBe(true);
    expect(fs.existsSync(path.join(dir, `${entryKey(bigText(String(limit - 1)))}.v8`))).toBe(true);
    expect(fs.existsSync(path.join(dir, `${entryKey(bigText("0"))}.v8`))).toBe(false);
  });

  test("past the size limit, the oldest entries go until the rest fit; the newest always stays", () => {
    const dir = tempDir();
    const texts = ["a", "b", "c"].map((x) => bigText(x));
    texts.forEach((text, i) => {
      cachedReading(text, counted(text).read, { dir });
      const when = new Date(Date.UTC(2020, 0, 1, 0, 0, i));
      fs.utimesSync(path.join(dir, `${entryKey(text)}.v8`), when, when);
    });
    const size = fs.statSync(path.join(dir, `${entryKey(texts[0])}.v8`)).size;
    // WHEN one more is written under a limit that holds two and a half entries
    const newest = bigText("d");
    cachedReading(newest, counted(newest).read, { dir, maxBytes: Math.floor(size * 2.5) });
    // THEN the two oldest went
    const left = fs.readdirSync(dir).filter((f) => f.endsWith(".v8")).sort();
    expect(left).toEqual([`${entryKey(texts[2])}.v8`, `${entryKey(newest)}.v8`].sort());
    // AND an entry bigger than the limit is still kept, alone (the others dated before it)
    const past = new Date(Date.UTC(2020, 0, 1, 0, 1));
    fs.utimesSync(path.join(dir, `${entryKey(newest)}.v8`), past, past);
    cachedReading(texts[0], counted(texts[0]).read, { dir, maxBytes: 1 });
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".v8"))).toEqual([`${entryKey(texts[0])}.v8`]);
  });

  test("a config loads the same from the cache as without it, diagnostics and positions included", () => {
    // GIVEN a generated config with big files, and one domain made invalid in one of them
    const configDir = path.join(tempDir(), "config");
    generateConfig(configDir, { domains: 600, targets: 10, seed: 3, domainsPerFile: 300 });
    const domainFile = path.join(configDir, "domains", fs.readdirSync(path.join(configDir, "domains")).sort()[0]);
    fs.writeFileSync(domainFile, fs.readFileSync(domainFile, "utf8").replace(/port: 993/, "port: 70000"));
    const withCache = (dir: string) => {
      const saved = process.env.MAILGATE_CACHE_DIR;
      process.env.MAILGATE_CACHE_DIR = dir;
      try {
        return loadConfig(configDir);
      } finally {
        if (saved === undefined) delete process.env.MAILGATE_CACHE_DIR;
        else process.env.MAILGATE_CACHE_DIR = saved;
      }
    };
    const cache = tempDir();
    // WHEN loaded without the cache, then twice with it (filling it, then from it)
    const plain = withCache("off");
    withCache(cache);
    const cached = withCache(cache);
    // THEN the entries exist, and the results are identical
    expect(fs.readdirSync(path.join(cache, "readings")).length).toBeGreaterThan(0);
    expect(plain.diagnostics.map((d) => d.code)).toContain("INVALID_PORT");
    expect(cached).toEqual(plain);
  });
});
