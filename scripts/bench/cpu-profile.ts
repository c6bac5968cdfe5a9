// Summaries of V8 .cpuprofile files (node --cpu-prof): self time per function, inclusive time of
// chosen functions, and self time per owner (project folder or package), so a profile can be
// read in a terminal and quoted in a report.
import * as fs from "node:fs";
import * as path from "node:path";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: number[];
}
interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface FunctionTime {
  readonly name: string;
  /** `path:line` relative to the project (1-based line of the declaration in the .ts source, when found). */
  readonly location: string;
  readonly owner: string;
  readonly ms: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly self: FunctionTime[];
  readonly owners: { owner: string; ms: number }[];
  /** Inclusive time of each requested function name (recursion counted once). */
  readonly inclusive: Map<string, number>;
}

/** Where a frame's code lives: a project folder (`lib/config`), a package, Node, or V8. */
export function ownerOf(url: string, root: string): string {
  if (url === "") return "(v8/native)";
  if (url.startsWith("node:")) return "node (core)";
  const file = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const nm = file.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = file.slice(nm + "/node_modules/".length).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const relative = path.relative(root, file);
  if (relative.startsWith("..")) return file;
  const parts = relative.split(path.sep);
  return parts.length > 2 ? parts.slice(0, 2).join("/") : parts.join("/");
}

/**
 * The profile's line numbers are those of tsx's transpiled JavaScript, not of the .ts file, so
 * for project files the declaration of the function is looked up in the source by name.
 */
function locate(frame: CallFrame, root: string, cache: Map<string, string[]>): string {
  if (frame.url === "" || frame.url.startsWith("node:")) return frame.url || "(native)";
  const file = frame.url.startsWith("file://") ? decodeURIComponent(new URL(frame.url).pathname) : frame.url;
  const relative = path.relative(root, file);
  const jsLine = frame.lineNumber + 1;
  if (file.includes("/node_modules/") || !/\.ts$/.test(file)) return `${relative}:${jsLine}`;
  // An anonymous function has no name to find, and the transpiled line is not the source's.
  if (frame.functionName === "") return relative;
  let lines = cache.get(file);
  if (!lines) {
    lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
    cache.set(file, lines);
  }
  const name = frame.functionName.replace(/^.*\./, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const declaration = new RegExp(`(function\\*?\\s+${name}\\b|\\b${name}\\s*[=:]\\s*(async\\s*)?(\\(|function)|^\\s*(static\\s+|private\\s+|public\\s+|get\\s+|async\\s+)*${name}\\s*\\()`);
  const index = lines.findIndex((line) => declaration.test(line));
  return index >= 0 ? `${relative}:${index + 1}` : `${relative}:~${jsLine}(js)`;
}

export function summarizeProfile(file: string, options: { root: string; inclusiveOf?: readonly string[]; focus?: string }): ProfileSummary {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (f: CallFrame) => `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;

  const selfUs = new Map<string, { frame: CallFrame; us: number; caller?: string }>();
  const inclusiveUs = new Map<string, number>((options.inclusiveOf ?? []).map((n) => [n, 0]));
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    // Names on the sample's stack, leaf first.
    const stack: CallFrame[] = [];
    for (let id: number | undefined = profile.samples[i]; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!.callFrame);
    if (options.focus !== undefined && !stack.some((f) => f.functionName === options.focus)) continue;
    totalUs += delta;
    const leaf = stack[0];
    const k = key(leaf);
    // tsx minifies, so an arrow function's line says little: name it after its nearest named caller.
    const caller = leaf.functionName === "" ? stack.find((f) => f.functionName !== "")?.functionName : undefined;
    const entry = selfUs.get(k) ?? { frame: leaf, us: 0, caller };
    entry.us += delta;
    selfUs.set(k, entry);
    const seen = new Set<string>();
    for (const frame of stack) {
      if (inclusiveUs.has(frame.functionName) && !seen.has(frame.functionName)) {
        seen.add(frame.functionName);
        inclusiveUs.set(frame.functionName, inclusiveUs.get(frame.functionName)! + delta);
      }
    }
  }
  const cache = new Map<string, string[]>();
  const self = [...selfUs.values()]
    .map(({ frame, us, caller }) => ({
      name: frame.functionName || (caller ? `(anonymous, in ${caller})` : "(anonymous)"),
      location: locate(frame, options.root, cache),
      owner: ownerOf(frame.url, options.root),
      ms: us / 1000,
    }))
    .sort((a, b) => b.ms - a.ms);
  const owners = new Map<string, number>();
  for (const f of self) owners.set(f.owner, (owners.get(f.owner) ?? 0) + f.ms);
  return {
    totalMs: totalUs / 1000,
    self,
    owners: [...owners].map(([owner, ms]) => ({ owner, ms })).sort((a, b) => b.ms - a.ms),
    inclusive: new Map([...inclusiveUs].map(([n, us]) => [n, us / 1000])),
  };
}

/** The main thread's profile among those one process wrote (the largest file). */
export function mainThreadProfile(dir: string): string | undefined {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  files.sort((a, b) => fs.statSync(path.join(dir, b)).size - fs.statSync(path.join(dir, a)).size);
  return files[0] === undefined ? undefined : path.join(dir, files[0]);
}

export function renderSummary(title: string, summary: ProfileSummary, top = 25): string {
  const pct = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1)}%`;
  const lines = [`### ${title}: ${summary.totalMs.toFixed(0)} ms sampled`, ""];
  if (summary.inclusive.size > 0) {
    lines.push("| stage (inclusive) | ms | share |", "| --- | ---: | ---: |");
    for (const [name, ms] of summary.inclusive) lines.push(`| ${name} | ${ms.toFixed(0)} | ${pct(ms)} |`);
    lines.push("");
  }
  lines.push("| self time by owner | ms | share |", "| --- | ---: | ---: |");
  for (const { owner, ms } of summary.owners.slice(0, 12)) lines.push(`| ${owner} | ${ms.toFixed(0)} | ${pct(ms)} |`);
  lines.push("", "| top self time | ms | share | where | owner |", "| --- | ---: | ---: | --- | --- |");
  for (const f of summary.self.slice(0, top)) lines.push(`| ${f.name} | ${f.ms.toFixed(0)} | ${pct(f.ms)} | ${f.location} | ${f.owner} |`);
  return lines.join("\n");
}
