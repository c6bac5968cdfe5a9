// The nftables output tested with real packets: two network namespaces joined by a veth pair, a
// host policy in the server's (input policy drop, established accepted, jump to mailgate's chain),
// the generated file loaded twice with `nft -f`, TCP listeners on the configured ports, and a
// connection from every client address to every port. Addresses exist only on the namespaces' own
// veth link; nothing leaves this machine. Needs root, `ip` and `nft`: elsewhere it is skipped with
// one line saying why, and with MAILGATE_REQUIRE_NETNS=1 (set by .ci/run) it fails instead.
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { renderArtifacts } from "../../lib/pipeline";
import { buildPolicy } from "../../lib/policy/firewall-policy";
import { config, exchangeDomain, imapDomain } from "../support/configs";
import { tempDir } from "../support/run";
import type { Config, NftablesTarget } from "../../lib/model/config";
import { NFT_KEYWORDS_1_0_6, NFT_KEYWORDS_LATER } from "../../lib/config/nft-keywords";
import { withLimits } from "../../lib/validate";
import { expectedByPort, readNftRuleset, spansText } from "../support/onprem-readers";

const ID = `${process.pid % 10000}`;
const CLIENT = `mgc${ID}`;
const SERVER = `mgs${ID}`;
const SERVER_ADDRESS = "198.18.0.1";

/**
 * Client source addresses, each on the client's veth (the server routes replies back over it):
 * one in both lists, one only in the IMAP list, one only in the SMTP list, one in neither.
 * 198.18.0.0/15 (benchmarking) is the link's own subnet.
 */
const SOURCES = {
  "141.193.184.5 (both lists)": "141.193.184.5",
  "143.244.82.9 (IMAP list only)": "143.244.82.9",
  "143.244.82.13 (SMTP list only)": "143.244.82.13",
  "10.99.0.2 (outside both)": "10.99.0.2",
} as const;

/** IMAP server on 993 and SMTP on 587 (example.com); Exchange on 443 (corp.example.org); 2525 opened to nobody. */
const PORTS = [993, 587, 443, 2525] as const;

const target: NftablesTarget = { type: "nftables", name: "mail-linux", table: { family: "inet", name: "filter" }, chain: "hubspot_mail" };
const CONFIG = config([imapDomain("example.com", ["mail-linux"]), exchangeDomain("corp.example.org", ["mail-linux"])], [target]);

function why(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "not root (network namespaces and nft need it)";
  for (const tool of ["ip", "nft"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `no \`${tool}\` on PATH (apt-get install -y ${tool === "ip" ? "iproute2" : "nftables"})`;
  }
  const probe = `mgp${ID}`;
  const added = spawnSync("ip", ["netns", "add", probe], { encoding: "utf8", timeout: 10_000 });
  if (added.status !== 0) return `\`ip netns add\` fails here: ${(added.stderr || "").trim()}`;
  spawnSync("ip", ["netns", "del", probe], { timeout: 10_000 });
  return undefined;
}

const missing = why();

function run(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: "utf8", timeout: 15_000, ...(input !== undefined ? { input } : {}) });
}
const inNs = (ns: string, args: string[], input?: string) => run("ip", ["netns", "exec", ns, ...args], input);

/** One connection attempt, bounded: "connected" or "refused"/"timeout". */
function connect(from: string, port: number): string {
  const script = `const s=require("net").connect({host:${JSON.stringify(SERVER_ADDRESS)},port:${port},localAddress:${JSON.stringify(from)}});s.setTimeout(1500);s.on("connect",()=>{process.stdout.write("connected");s.destroy()});s.on("timeout",()=>{process.stdout.write("timeout");s.destroy()});s.on("error",e=>process.stdout.write(e.code||"error"));`;
  const result = spawnSync("ip", ["netns", "exec", CLIENT, process.execPath, "-e", script], { encoding: "utf8", timeout: 10_000 });
  return result.stdout || `failed: ${result.stderr}`;
}

const HOST_POLICY = `table inet filter {
  chain hubspot_mail {}
  chain input {
    type filter hook input priority filter; policy drop;
    ct state established,related accept
    iifname "lo" accept
    jump hubspot_mail
  }
}
`;

if (missing && process.env.MAILGATE_REQUIRE_NETNS === "1") {
  describe("nftables with real packets", () => {
    test("network namespaces and nft are available (MAILGATE_REQUIRE_NETNS=1)", () => {
      throw new Error(`MAILGATE_REQUIRE_NETNS=1, but the packet test cannot run: ${missing}`);
    });
  });
} else if (missing) {
  describe.skip(`nftables with real packets (skipped: ${missing})`, () => test("skipped", () => undefined));
  console.log(`nftables packet test skipped: ${missing}.`);
} else {
  describe("nftables with real packets, in network namespaces", () => {
    let listener: ChildProcess | undefined;
    let file = "";
    const matrix = new Map<string, Map<number, string>>();

    beforeAll(async () => {
      const artifacts = renderArtifacts(CONFIG, buildPolicy(CONFIG), undefined);
      const dir = tempDir("mailgate-nft-");
      file = path.join(dir, "mail-linux.nft");
      fs.writeFileSync(file, artifacts.get("firewalls/mail-linux.nft") ?? "");

      run("ip", ["netns", "add", CLIENT]);
      run("ip", ["netns", "add", SERVER]);
      run("ip", ["link", "add", `mgc${ID}v`, "netns", CLIENT, "type", "veth", "peer", "name", `mgs${ID}v`, "netns", SERVER]);
      inNs(CLIENT, ["ip", "link", "set", "lo", "up"]);
      inNs(SERVER, ["ip", "link", "set", "lo", "up"]);
      inNs(CLIENT, ["ip", "addr", "add", "198.18.0.2/30", "dev", `mgc${ID}v`]);
      for (const address of Object.values(SOURCES)) inNs(CLIENT, ["ip", "addr", "add", `${address}/32`, "dev", `mgc${ID}v`]);
      inNs(SERVER, ["ip", "addr", "add", `${SERVER_ADDRESS}/30`, "dev", `mgs${ID}v`]);
      inNs(CLIENT, ["ip", "link", "set", `mgc${ID}v`, "up"]);
      inNs(SERVER, ["ip", "link", "set", `mgs${ID}v`, "up"]);
      // Replies to the client's extra addresses go back over the link (routes inside the namespaces only).
      for (const address of Object.values(SOURCES)) inNs(SERVER, ["ip", "route", "add", `${address}/32`, "dev", `mgs${ID}v`]);

      inNs(SERVER, ["nft", "-f", "-"], HOST_POLICY);
      inNs(SERVER, ["nft", "-f", file]);
      inNs(SERVER, ["nft", "-f", file]);

      const serve = `const net=require("net");for(const p of ${JSON.stringify(PORTS)})net.createServer(s=>s.end()).listen(p,${JSON.stringify(SERVER_ADDRESS)});setTimeout(()=>process.exit(0),120000);console.log("listening")`;
      listener = spawn("ip", ["netns", "exec", SERVER, process.execPath, "-e", serve], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("listener did not start in 10 s")), 10_000);
        listener?.stdout?.on("data", () => {
          clearTimeout(timer);
          resolve();
        });
        listener?.on("exit", (code) => reject(new Error(`listener exited with ${code}`)));
      });
      for (const [label, address] of Object.entries(SOURCES)) {
        matrix.set(label, new Map(PORTS.map((port) => [port, connect(address, port)])));
      }
    }, 90_000);

    afterAll(() => {
      listener?.kill("SIGKILL");
      for (const ns of [CLIENT, SERVER]) spawnSync("ip", ["netns", "del", ns], { timeout: 10_000 });
      const lines = [...matrix].map(([label, ports]) => `  ${label.padEnd(32)} ${[...ports].map(([p, r]) => `tcp/${p} ${r}`).join(", ")}`);
      if (lines.length > 0) console.log(`nftables packet test, measured connections (server ${SERVER_ADDRESS}):\n${lines.join("\n")}`);
    }, 30_000);

    test("GIVEN the file loaded twice WHEN the ruleset is read back from the kernel THEN each port's sets hold exactly the policy's addresses", () => {
      const ruleset = readNftRuleset(JSON.parse(inNs(SERVER, ["nft", "-j", "list", "table", "inet", "filter"])), "hubspot_mail");
      const expected = expectedByPort(CONFIG, "mail-linux");
      expect([...ruleset.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [port, spans] of expected) expect(spansText(ruleset.get(port) ?? []), `tcp/${port}`).toEqual(spansText(spans));
      // The host's own chain and policy are untouched: still policy drop, still the jump.
      const input = inNs(SERVER, ["nft", "list", "chain", "inet", "filter", "input"]);
      expect(input).toContain("policy drop;");
      expect(input).toContain("jump hubspot_mail");
    });

    test("GIVEN the second load WHEN listed THEN the ruleset is what one load makes (idempotent)", () => {
      const once = inNs(SERVER, ["nft", "list", "ruleset"]);
      inNs(SERVER, ["nft", "-f", file]);
      expect(inNs(SERVER, ["nft", "list", "ruleset"])).toBe(once);
    });

    test.each([
      ["141.193.184.5 (both lists)", 993, "connected"],
      ["141.193.184.5 (both lists)", 587, "connected"],
      ["141.193.184.5 (both lists)", 443, "connected"],
      ["143.244.82.9 (IMAP list only)", 993, "connected"],
      ["143.244.82.9 (IMAP list only)", 443, "connected"],
      ["143.244.82.13 (SMTP list only)", 587, "connected"],
      ["143.244.82.13 (SMTP list only)", 443, "connected"],
      // an IMAP-only source on the SMTP port, an SMTP-only source on the IMAP port
      ["143.244.82.9 (IMAP list only)", 587, "timeout"],
      ["143.244.82.13 (SMTP list only)", 993, "timeout"],
      // a listed source on a port no domain needs
      ["141.193.184.5 (both lists)", 2525, "timeout"],
      // a source outside HubSpot's lists, on every port
      ["10.99.0.2 (outside both)", 993, "timeout"],
      ["10.99.0.2 (outside both)", 587, "timeout"],
      ["10.99.0.2 (outside both)", 443, "timeout"],
      ["10.99.0.2 (outside both)", 2525, "timeout"],
    ] as const)("from %s to tcp/%i: %s", (label, port, outcome) => {
      expect(matrix.get(label)?.get(port)).toBe(outcome);
    });
  });
}

// Issue 18: two nftables targets in one table. Validation refuses two whose chains make the same
// set name (DUPLICATE_NFT_SET); its premise, shown here with the kernel: two targets with distinct
// names, loaded together in either order, each keep their own sets, while a colliding pair (rendered
// without validation) leaves one chain admitting what the other's file put in the shared set.
// Also nft's keywords as table names: what lib/config/nft-keywords.ts says, asked of the real nft.
// Same skip convention as above; each namespace is unique to this run and always deleted.
const TWO = `mgt${ID}`;

/** An Exchange domain through `exchange`, an IMAP domain through `imap`, HubSpot's published lists. */
function twoTargets(exchange: NftablesTarget, imap: NftablesTarget): Config {
  return config([exchangeDomain("corp.example.org", [exchange.name]), imapDomain("example.com", [imap.name])], [exchange, imap]);
}
const chainTarget = (name: string, chain: string): NftablesTarget => ({ type: "nftables", name, table: { family: "inet", name: "filter" }, chain });

if (missing && process.env.MAILGATE_REQUIRE_NETNS === "1") {
  describe("two nftables targets in one table, loaded together", () => {
    test("network namespaces and nft are available (MAILGATE_REQUIRE_NETNS=1)", () => {
      throw new Error(`MAILGATE_REQUIRE_NETNS=1, but the nft test cannot run: ${missing}`);
    });
  });
} else if (missing) {
  describe.skip(`two nftables targets in one table, loaded together (skipped: ${missing})`, () => test("skipped", () => undefined));
} else {
  describe("two nftables targets in one table, loaded together, read back from the kernel", () => {
    const dir = tempDir("mailgate-nft-two-");
    /** Writes each target's file, loads them in `order` into a fresh ruleset of the namespace, and reads it back. */
    const loadTogether = (cfg: Config, order: string[]) => {
      const artifacts = renderArtifacts(cfg, buildPolicy(cfg), undefined);
      inNs(TWO, ["nft", "flush", "ruleset"]);
      for (const name of order) {
        const file = path.join(dir, `${name}.nft`);
        fs.writeFileSync(file, artifacts.get(`firewalls/${name}.nft`) ?? "");
        inNs(TWO, ["nft", "-f", file]);
      }
      return JSON.parse(inNs(TWO, ["nft", "-j", "list", "ruleset"]));
    };

    beforeAll(() => {
      run("ip", ["netns", "add", TWO]);
    }, 30_000);
    afterAll(() => {
      spawnSync("ip", ["netns", "del", TWO], { timeout: 10_000 });
      fs.rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    test.each([
      ["hub then imap", ["hub", "hub-imap"]],
      ["imap then hub", ["hub-imap", "hub"]],
    ])("GIVEN chains hub_mail and imap_mail (valid) loaded %s WHEN listed with nft -j THEN each chain's sets hold exactly its own lists", (_, order) => {
      const cfg = twoTargets(chainTarget("hub", "hub_mail"), chainTarget("hub-imap", "imap_mail"));
      expect(withLimits(cfg).diagnostics).toEqual([]);
      const json = loadTogether(cfg, order);
      for (const [name, chain] of [["hub", "hub_mail"], ["hub-imap", "imap_mail"]]) {
        const read = readNftRuleset(json, chain);
        const expected = expectedByPort(cfg, name);
        expect([...read.keys()].sort(), name).toEqual([...expected.keys()].sort());
        for (const [port, spans] of expected) expect(spansText(read.get(port) ?? []), `${name} tcp/${port}`).toEqual(spansText(spans));
      }
    });

    test("GIVEN chains hub_mail and hub_mail_imap (refused: DUPLICATE_NFT_SET) loaded together WHEN listed THEN one chain no longer admits its own lists", () => {
      const cfg = twoTargets(chainTarget("hub", "hub_mail"), chainTarget("hub-imap", "hub_mail_imap"));
      // In code, the config skips the loader's cross-file checks; the files are what synth would write.
      for (const order of [["hub", "hub-imap"], ["hub-imap", "hub"]]) {
        const json = loadTogether(cfg, order);
        const exact = [["hub", "hub_mail"], ["hub-imap", "hub_mail_imap"]].map(([name, chain]) => {
          const read = readNftRuleset(json, chain);
          return [...expectedByPort(cfg, name)].every(([port, spans]) => JSON.stringify(spansText(read.get(port) ?? [])) === JSON.stringify(spansText(spans)));
        });
        // The file loaded first lost its set to the one loaded second.
        expect(exact, order.join(" then ")).toEqual(order[0] === "hub" ? [false, true] : [true, false]);
      }
    });
  });

  describe("nft's keywords as table names, asked of the real nft (nft -c -f)", () => {
    const dir = tempDir("mailgate-nft-keywords-");
    const version = spawnSync("nft", ["--version"], { encoding: "utf8" }).stdout.trim();
    /** The file mailgate generates for table `<family> mgtablex` and chain `mgchainx`, once per family. */
    const templates = new Map<string, string>();
    const template = (family: "inet" | "ip"): string => {
      let text = templates.get(family);
      if (text === undefined) {
        const target: NftablesTarget = { type: "nftables", name: "t", table: { family, name: "mgtablex" }, chain: "mgchain_x" };
        const cfg = config([exchangeDomain("corp.example.org", ["t"]), imapDomain("example.com", ["t"])], [target]);
        text = renderArtifacts(cfg, buildPolicy(cfg), undefined).get("firewalls/t.nft") ?? "";
        templates.set(family, text);
      }
      return text;
    };
    /** Whether nft accepts that file with `table` and `chain` in their places (every line naming them, sets and rules included). */
    const check = (family: "inet" | "ip", table: string, chain: string, index: number): Promise<boolean> => {
      const file = path.join(dir, `t${index}.nft`);
      fs.writeFileSync(file, template(family).split("mgtablex").join(table).split("mgchain_x").join(chain));
      return new Promise((resolve) => {
        // Check mode parses and evaluates the file and commits nothing, so it needs no namespace.
        const child = spawn("nft", ["-c", "-f", file], { stdio: "ignore", timeout: 10_000 });
        child.on("exit", (code) => resolve(code === 0));
        child.on("error", () => resolve(false));
      });
    };
    /** The names (`[family, table, chain]`) nft does not load, checked 8 at a time. */
    const refused = async (cases: readonly (readonly ["inet" | "ip", string, string])[]): Promise<string[]> => {
      const results: boolean[] = [];
      for (let i = 0; i < cases.length; i += 8) {
        results.push(...(await Promise.all(cases.slice(i, i + 8).map(([family, table, chain], j) => check(family, table, chain, i + j)))));
      }
      return cases.filter((_, i) => !results[i]).map((c) => c.join(" "));
    };
    const asTables = (names: readonly string[], families: readonly ("inet" | "ip")[] = ["inet", "ip"]) => names.flatMap((n) => families.map((f) => [f, n, "hubspot_mail"] as const));

    afterAll(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    }, 30_000);

    /** `nftables v1.0.6 (Lester Gooch #5)` -> 10006; older releases than 1.0.6 had fewer keywords. */
    const release = (() => {
      const m = /^nftables v(\d+)\.(\d+)\.(\d+)/.exec(version);
      return m ? Number(m[1]) * 10_000 + Number(m[2]) * 100 + Number(m[3]) : 0;
    })();

    test("GIVEN each keyword mailgate refuses WHEN nft checks a file with that table THEN nft refuses it too (the later ones from 1.0.7 on)", async () => {
      expect(release, `nft ${version}: the list was checked against 1.0.6 and later's grammar`).toBeGreaterThanOrEqual(10006);
      // Every keyword in an `inet` table, some in an `ip` table too: nft's scanner refuses them
      // before the family matters (all 153 were checked in inet, ip and ip6 when the list was made).
      const refusedHere = [
        ...asTables([...NFT_KEYWORDS_1_0_6, ...(release >= 10007 ? NFT_KEYWORDS_LATER : [])], ["inet"]),
        ...asTables(["counter", "log", "ct", "policy", "type", "comment", "ip", "meta", "auto-merge"], ["ip"]),
      ];
      expect(await refused(refusedHere), version).toEqual(refusedHere.map((c) => c.join(" ")));
      // On 1.0.6 exactly: the later ones still load there, which is why they are listed apart.
      if (release === 10006) expect(await refused(asTables(NFT_KEYWORDS_LATER)), version).toEqual([]);
    }, 120_000);

    test("GIVEN words nft reads as keywords only after another word, and other names, WHEN nft checks them THEN it loads them (mailgate accepts them)", async () => {
      const names = ["filter", "nat", "route", "saddr", "daddr", "name", "version", "protocol", "last", "Counter", "counters", "mail_filter", "hubspot-mail"];
      expect(await refused(asTables(names)), version).toEqual([]);
    }, 60_000);

    test("GIVEN the chain keywords WHEN nft checks them as a chain THEN refused; their neighbours load", async () => {
      const chains = (names: string[]) => names.map((c) => ["inet", "filter", c] as const);
      expect(await refused(chains(["auto-merge", "gc-interval"]))).toEqual(["inet filter auto-merge", "inet filter gc-interval"]);
      expect(await refused(chains(["auto_merge", "gc-interval2", "queue-threshold", "frag-off"]))).toEqual([]);
    }, 60_000);
  });
}
