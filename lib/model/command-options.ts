import { parseArgs } from "node:util";

/**
 * The arguments of a subcommand that takes named string options (`--config DIR`), flags and
 * files (`live`, `adopt`, `ranges check`), read one way, so each problem reads the same whatever
 * the command. Here, below every command, because lib/live and lib/ranges may not import each
 * other; pure, like the rest of the model (it reads only the arguments it is given).
 */

export interface CommandSpec<S extends string, F extends string> {
  /** How a problem names the command: `live`, `ranges check`. */
  readonly command: string;
  /** Options that take a value, each at most once. */
  readonly strings: readonly S[];
  /** Options that take none. */
  readonly flags?: readonly F[];
  /** Said after a problem with an option, to tell how to give what it needs. */
  readonly hints?: {
    readonly needsValue?: Partial<Record<S, string>>;
    readonly givenTwice?: Partial<Record<S, string>>;
  };
}

export interface CommandArguments<S extends string, F extends string> {
  readonly options: Partial<Record<S, string>>;
  readonly flags: ReadonlySet<F>;
  /** In the order given. */
  readonly positionals: string[];
}

/** The command's options and positionals; "help" for `-h`/`--help` anywhere; else what is wrong, as text. */
export function readCommandArguments<S extends string, F extends string = never>(args: readonly string[], spec: CommandSpec<S, F>): CommandArguments<S, F> | "help" | string {
  const flagNames: readonly string[] = spec.flags ?? [];
  const stringNames: readonly string[] = spec.strings;
  const { tokens } = parseArgs({
    args: [...args],
    options: {
      ...Object.fromEntries(spec.strings.map((name) => [name, { type: "string" as const }])),
      ...Object.fromEntries(flagNames.map((name) => [name, { type: "boolean" as const }])),
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    // Strict parsing would throw node's own messages; each problem is told in mailgate's words below.
    strict: false,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === "option" && t.name === "help")) return "help";
  const options: Partial<Record<S, string>> = {};
  const flags = new Set<F>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    if (flagNames.includes(token.name)) {
      if (token.value !== undefined) return `${token.rawName} takes no value`;
      flags.add(token.name as F);
      continue;
    }
    if (!stringNames.includes(token.name)) return `${spec.command} has no option ${token.rawName}`;
    const name = token.name as S;
    // Without strict parsing, "--config --format" would take "--format" as the directory.
    if (token.value === undefined || token.value === "" || (!token.inlineValue && token.value.startsWith("-"))) {
      return `${token.rawName} needs a value${spec.hints?.needsValue?.[name] ?? ""}`;
    }
    if (options[name] !== undefined) return `--${name} given twice${spec.hints?.givenTwice?.[name] ?? ""}`;
    options[name] = token.value;
  }
  return { options, flags, positionals };
}

/** The first value given more than once, if any (a file named twice). */
export function firstRepeated(values: readonly string[]): string | undefined {
  return values.find((value, i) => values.indexOf(value) !== i);
}
