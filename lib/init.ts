// `mailgate init [dir]`: what a team's repository that installs mailgate (npm i -D mailgate)
// needs and is missing: the package.json, a starter config, cdktf.json, .gitignore entries and
// the two workflows. It never overwrites a file: one already there is listed as kept. The
// templates ship in the package (templates/), so a version bump brings their new versions to
// the next init without touching what a team has made its own.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { EXIT, OutputError } from "./io/report-errors";
import { packageRoot, packageVersion } from "./io/package-root";

/** Where the command reads and writes; the same shape as lib/cli.ts's `CliIo`. */
export interface InitIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** The directory `dir` is resolved from, and paths are shown relative to. */
  readonly cwd: string;
}

/** What cdktf-cli runs as the app (`cdktf synth`, `cdktf plan`): the installed mailgate's synth. */
export const CDKTF_APP = "npx --no mailgate synth";

/** Outputs synth, terraform and npm recreate, and local Terraform state: never committed. */
export const GITIGNORE_ENTRIES = ["cdktf.out/", ".terraform/", "terraform.*.tfstate*", "node_modules/"] as const;

const GITIGNORE_HEADER = "# mailgate init: outputs that synth, terraform and npm ci recreate, and local Terraform state";

const SCHEMA_IN_PACKAGE = "schema/mailgate-config.schema.json";

const WORKFLOWS = ["mailgate.yml", "hubspot-ranges.yml"] as const;

/** What a failed write leaves: init writes one file at a time and never overwrites one. */
const WRITTEN_BEFORE = "files written before it stay; nothing was overwritten";

export const INIT_USAGE = `Usage: mailgate init [dir]

Writes what a repository that installs mailgate (npm i -D mailgate) needs and is missing, into
dir (default: the current directory; created if missing). It never overwrites a file: one that
is already there is listed as kept and left alone.

  package.json                          mailgate pinned as a devDependency (only without one)
  config/mailgate.yaml                  a starter config that validates, with a commented
                                        example (only when config/ holds no YAML)
  cdktf.json                            for cdktf-cli: its app is ${CDKTF_APP}
  .gitignore                            ${GITIGNORE_ENTRIES.join(", ")}
                                        (each appended only when missing)
  .github/workflows/mailgate.yml        validate, check, diff, synth and plan on pull requests;
                                        the two-phase apply after merge
  .github/workflows/hubspot-ranges.yml  a daily comparison with HubSpot's published ranges

Options:
  -h, --help  Show this help.

Exit codes: 0 done (also when every file was kept), 2 usage error, 73 a file could not be written.`;

/** One line of the report: what happened to a file. */
interface Outcome {
  readonly action: "wrote" | "kept" | "added";
  readonly file: string;
  readonly note?: string;
}

/** `mailgate init [dir]`; `args` are the arguments after `init`. */
export function initCommand(args: readonly string[], io: InitIo): number {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { help: { type: "boolean", short: "h" } } });
  } catch (error) {
    return usageError(io, (error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  if (parsed.values.help) {
    io.stdout.write(`${INIT_USAGE}\n`);
    return EXIT.ok;
  }
  const [given = ".", extra] = parsed.positionals;
  if (extra !== undefined) return usageError(io, `unexpected argument "${extra}"`, "init takes one directory");
  const dir = path.resolve(io.cwd, given);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    return usageError(io, `${given} is a file, not a directory`, "name the directory of your repository (mailgate init [dir])");
  }

  const root = packageRoot();
  const version = packageVersion(root);
  const shownDir = slashes(path.relative(io.cwd, dir));
  const shown = (file: string) => (shownDir === "" ? file : `${shownDir}/${file}`);
  const write = (file: string, text: string) => writeNew(dir, file, text, shown(file));
  const template = (name: string) => fs.readFileSync(path.join(root, "templates", name), "utf8");

  const outcomes: Outcome[] = [
    packageJson(dir, version, write),
    starterConfig(dir, template("config/mailgate.yaml"), write),
    cdktfJson(dir, template("cdktf.json"), write),
    gitignore(dir, shown(".gitignore")),
    ...WORKFLOWS.map((name) => write(`.github/workflows/${name}`, template(`workflows/${name}`))),
  ];

  const installed = installedSchema(dir) !== undefined;
  const next = [...(shownDir === "" ? [] : [`cd ${shownDir}`]), ...(installed ? [] : ["npm install"]), "npx mailgate validate", "npx mailgate synth"];
  io.stdout.write(
    [
      `mailgate init ${shownDir || "."} (mailgate ${version}):`,
      ...outcomes.map((o) => `  ${o.action.padEnd(5)} ${shown(o.file)}${o.action === "added" ? ":" : ""}${o.note ? ` ${o.note}` : ""}`),
      `next: ${next.join(" && ")}`,
      "then: commit config/, generated/ and the files above; npx mailgate plan shows what an apply would change (it needs Terraform and AWS credentials).",
      "",
    ].join("\n"),
  );
  return EXIT.ok;
}

type Write = (file: string, text: string) => Outcome;

/** A package.json with mailgate pinned; an existing one is only read, to say when it lacks mailgate. */
function packageJson(dir: string, version: string, write: Write): Outcome {
  const file = path.join(dir, "package.json");
  if (!fs.existsSync(file)) {
    const manifest = { name: packageName(path.basename(dir)), private: true, devDependencies: { mailgate: version } };
    return write("package.json", `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const lists = readJson(file) as Record<string, Record<string, unknown> | undefined> | undefined;
  const listed = ["dependencies", "devDependencies", "optionalDependencies"].some((key) => lists?.[key]?.mailgate !== undefined);
  return { action: "kept", file: "package.json", ...(listed || lists === undefined ? {} : { note: `(it does not list mailgate: npm i -D mailgate@${version})` }) };
}

/** The starter config, its schema line pointing at the installed package; none beside a team's own YAML. */
function starterConfig(dir: string, text: string, write: Write): Outcome {
  const configDir = path.join(dir, "config");
  if (fs.existsSync(path.join(configDir, "mailgate.yaml"))) return { action: "kept", file: "config/mailgate.yaml" };
  if (fs.existsSync(configDir) && !fs.statSync(configDir).isDirectory()) return { action: "kept", file: "config", note: "(a file, not a directory)" };
  const yaml = fs.existsSync(configDir) ? (fs.readdirSync(configDir, { recursive: true, encoding: "utf8" }) as string[]).filter((f) => /\.ya?ml$/i.test(f)) : [];
  if (yaml.length > 0) return { action: "kept", file: "config/", note: `(${yaml.length} config file${yaml.length === 1 ? "" : "s"})` };
  // Relative to the file, as yaml-language-server reads it; where npm i -D would put it if not there yet.
  const schema = slashes(path.relative(configDir, installedSchema(dir) ?? path.join(dir, "node_modules", "mailgate", SCHEMA_IN_PACKAGE)));
  return write("config/mailgate.yaml", text.replace(/^.*\n/, `# yaml-language-server: $schema=${schema}\n`));
}

function cdktfJson(dir: string, text: string, write: Write): Outcome {
  const file = path.join(dir, "cdktf.json");
  if (!fs.existsSync(file)) return write("cdktf.json", text);
  const app = (readJson(file) as { app?: unknown } | undefined)?.app;
  return { action: "kept", file: "cdktf.json", ...(typeof app === "string" && app !== CDKTF_APP ? { note: `(its app is ${app}; mailgate's is ${CDKTF_APP})` } : {}) };
}

/** Appends the entries a .gitignore lacks (`/node_modules` and `node_modules` count as `node_modules/`). */
function gitignore(dir: string, shown: string): Outcome {
  const file = path.join(dir, ".gitignore");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
  const normal = (line: string) => line.trim().replace(/^\//, "").replace(/\/$/, "");
  const present = new Set((text ?? "").split(/\r?\n/).map(normal));
  const missing = GITIGNORE_ENTRIES.filter((entry) => !present.has(normal(entry)));
  if (missing.length === 0) return { action: "kept", file: ".gitignore" };
  const separator = text === undefined || text === "" ? "" : `${text.endsWith("\n") ? "" : "\n"}\n`;
  try {
    // Appended, never rewritten: the team's lines stay byte for byte; a new file is created exclusively.
    fs.writeFileSync(file, `${separator}${GITIGNORE_HEADER}\n${missing.join("\n")}\n`, { flag: text === undefined ? "wx" : "a" });
  } catch (error) {
    throw new OutputError(shown, error, WRITTEN_BEFORE);
  }
  return text === undefined ? { action: "wrote", file: ".gitignore" } : { action: "added", file: ".gitignore", note: missing.join(", ") };
}

/** mailgate's schema as Node would find the package from `dir`: in a node_modules there or above. */
function installedSchema(dir: string): string | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const schema = path.join(at, "node_modules", "mailgate", SCHEMA_IN_PACKAGE);
    if (fs.existsSync(schema)) return schema;
    if (path.dirname(at) === at) return undefined;
  }
}

/** Writes a file that must not exist yet: created exclusively, so a file that appeared meanwhile is kept too. */
function writeNew(dir: string, file: string, text: string, shown: string): Outcome {
  try {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  } catch (error) {
    throw new OutputError(shown, error, WRITTEN_BEFORE);
  }
  try {
    fs.writeFileSync(path.join(dir, file), text, { flag: "wx" });
    return { action: "wrote", file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return { action: "kept", file };
    throw new OutputError(shown, error, WRITTEN_BEFORE);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    // Not ours to judge: a package.json or cdktf.json that does not parse is kept without a note.
    return undefined;
  }
}

/** The directory's name as an npm package name: lower case, URL-safe, not starting with . or _. */
function packageName(base: string): string {
  const name = base.toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+/, "").replace(/-+$/, "").slice(0, 214);
  return name === "" ? "mail-firewalls" : name;
}

function slashes(p: string): string {
  return p.split(path.sep).join("/");
}

/** One line saying what was wrong, one hint, and where the help is, as the other commands do. */
function usageError(io: InitIo, problem: string, hint?: string): number {
  io.stderr.write(`mailgate: ${problem}\n${hint ? `hint: ${hint}\n` : ""}(mailgate init --help shows the usage)\n`);
  return EXIT.usage;
}
