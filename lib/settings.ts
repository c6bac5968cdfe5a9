import * as path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io/report-errors";

/** Where mailgate reads config and writes artifacts; the environment names are contract. */
export interface Settings {
  /** @default "config" (env MAILGATE_CONFIG) */
  readonly configDir: string;
  /** @default "generated" (env MAILGATE_OUT) */
  readonly outDir: string;
  /**
   * Which role stack providers assume: `deploy` (each target's `roleArn`) or `plan` (its
   * read-only `planRoleArn`, else none: the caller's own credentials), for plans of unmerged code.
   * @default "deploy" (env MAILGATE_ASSUME)
   */
  readonly assume: "deploy" | "plan";
  /**
   * Which apply of a change to synthesize: `expand`, the first of two, keeps the rules that are
   * leaving beside the new ones, so it only creates and updates; `contract`, the second (and
   * the only one when nothing leaves), holds just the new config, so it only removes.
   * @default "contract" (env MAILGATE_PHASE)
   */
  readonly phase: Phase;
}

/** The two applies of a change that removes and adds rules at once (lib/policy/leaving.ts). */
export type Phase = "expand" | "contract";

/**
 * The settings from the environment. A relative path the user gave is taken relative to the
 * directory they ran the command in (`userDir`), which under `npm run` is not the process's
 * (npm runs scripts in the project root and says where the user was in INIT_CWD); the defaults
 * are the project's own directories. Paths come back relative to the process's directory when
 * they are inside it, so messages show the short form.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env, userDir: string = userDirectory(env)): Settings {
  const assume = nonEmpty(env.MAILGATE_ASSUME);
  if (assume !== undefined && assume !== "deploy" && assume !== "plan") {
    throw new UsageError(`MAILGATE_ASSUME must be "deploy" or "plan", got ${JSON.stringify(assume)}`);
  }
  const phase = nonEmpty(env.MAILGATE_PHASE);
  if (phase !== undefined && phase !== "expand" && phase !== "contract") {
    throw new UsageError(`MAILGATE_PHASE must be "expand" or "contract", got ${JSON.stringify(phase)}`);
  }
  const config = nonEmpty(env.MAILGATE_CONFIG);
  const out = nonEmpty(env.MAILGATE_OUT);
  return {
    configDir: config === undefined ? "config" : fromUser(config, userDir),
    outDir: out === undefined ? "generated" : fromUser(out, userDir),
    assume: assume ?? "deploy",
    phase: phase ?? "contract",
  };
}

/**
 * Where the user ran the command: npm's INIT_CWD when npm started this process in the project
 * root (`npm run`, `npx`), else the process's own directory. INIT_CWD is inherited by every child
 * process, so it counts only while the process still runs where npm put it.
 */
export function userDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const initCwd = nonEmpty(env.INIT_CWD);
  const packageJson = nonEmpty(env.npm_package_json);
  if (initCwd === undefined || packageJson === undefined || path.resolve(path.dirname(packageJson)) !== process.cwd()) return process.cwd();
  return initCwd;
}

/** A path the user typed, relative to `userDir`, expressed for this process. */
export function fromUser(p: string, userDir: string): string {
  if (path.isAbsolute(p)) return p;
  const resolved = path.resolve(userDir, p);
  const relative = path.relative(process.cwd(), resolved);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? resolved : relative;
}

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

/**
 * A command's arguments parsed by node's `parseArgs`, positionals allowed, or why they were
 * refused, in one sentence: node's advice on `--` (for a positional that looks like an option)
 * speaks to scripts, not to someone typing a mailgate command.
 */
export function parseCommandLine<O extends OptionsConfig>(
  argv: readonly string[],
  options: O,
): ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>> | { readonly refused: string } {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, options });
  } catch (error) {
    return { refused: (error as Error).message.replace(/\. To specify a positional argument.*$/s, "") };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== "" ? value : undefined;
}
