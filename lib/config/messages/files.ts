import type { Severity } from "../diagnostic";
import { bytes, characterKind, count, error, quote, skippedHint, skippedMessage, warning, type SkippedFileReason } from "./text";

export const fileMessages = {
  // ---- files and YAML
  configDirMissing: (dir: string) =>
    error(
      "CONFIG_DIR_MISSING",
      `The config directory ${quote(dir)} does not exist or is not a directory.`,
      "create it with your *.yaml files, or set MAILGATE_CONFIG to the directory that has them",
    ),
  noConfigFiles: (dir: string) =>
    error(
      "NO_CONFIG_FILES",
      `The config directory ${quote(dir)} has no *.yaml or *.yml files.`,
      "add a file such as domains.yaml (files and folders starting with a dot are ignored)",
    ),
  fileUnreadable: (reason: string) => error("FILE_UNREADABLE", `This file cannot be read: ${reason}.`),
  yamlProblem: (severity: Severity, yamlMessage: string) =>
    severity === "error"
      ? error("YAML_SYNTAX", `YAML syntax error: ${yamlMessage}.`)
      : warning("YAML_SYNTAX", `YAML warning: ${yamlMessage}.`),
  duplicateKey: (key: string) =>
    error(
      "DUPLICATE_KEY",
      `The key \`${key}\` appears more than once in the same mapping.`,
      "merge the two entries, or rename one of them",
    ),
  tooManyAliases: (yamlMessage: string) =>
    error("YAML_LIMIT", `YAML alias problem: ${yamlMessage}.`, "use fewer aliases, or write the repeated settings out"),
  // ---- limits and hostile input (files.ts and read-yaml.ts; README, "Limits")
  fileTooLarge: (size: number, limit: number) =>
    error(
      "FILE_TOO_LARGE",
      `This file is ${bytes(size)}; mailgate reads config files of at most ${bytes(limit)}, and did not read it.`,
      "split it into several files: every *.yaml and *.yml under the config directory is read",
    ),
  configTooLarge: (total: number, limit: number) =>
    error(
      "CONFIG_TOO_LARGE",
      `With this file the config adds up to ${bytes(total)}, over the limit of ${bytes(limit)} for all files together; mailgate stopped reading here.`,
      "remove files that do not belong in the config directory (generated or binary files?)",
    ),
  binaryFile: (byteOffset: number) =>
    error(
      "BINARY_FILE",
      `This file contains a NUL byte (byte offset ${byteOffset}): it is binary, not YAML text.`,
      "config files are UTF-8 text; move other files out of the config directory or give them a name not ending in .yaml/.yml",
    ),
  utf16File: (littleEndian: boolean) =>
    error(
      "NOT_UTF8",
      `This file is UTF-16 text (${littleEndian ? "little" : "big"}-endian byte-order mark); mailgate reads UTF-8 only.`,
      "save it as UTF-8 (most editors: \"Save with Encoding\" > UTF-8)",
    ),
  notUtf8: (byteOffset: number, byte: number) =>
    error(
      "NOT_UTF8",
      `This file is not valid UTF-8: byte 0x${byte.toString(16).padStart(2, "0")} at byte offset ${byteOffset} does not belong to a UTF-8 character.`,
      "save it as UTF-8; a file saved as Latin-1 or Windows-1252 shows this at its first accented letter",
    ),
  yamlTooDeep: (limit: number) =>
    error(
      "YAML_LIMIT",
      `The YAML is nested more than ${limit} levels deep here; mailgate stops reading the file at this point.`,
      "a mailgate config needs 6 levels: look for unbalanced [ or { brackets",
    ),
  yamlTooManyValues: (limit: number, throughAliases: boolean) =>
    throughAliases
      ? error(
          "YAML_LIMIT",
          `Aliases here would add more than ${count(limit)} values to the file (a "billion laughs" pattern); mailgate does not expand them.`,
          "use fewer aliases, or write the repeated settings out",
        )
      : error(
          "YAML_LIMIT",
          `This file has more than ${count(limit)} values; mailgate stops reading it here.`,
          "a domain takes about 20 values: split the file into several",
        ),
  yamlAliasCycle: (name: string) =>
    error("YAML_LIMIT", `The alias \`*${name}\` is inside the node it refers to, so its value would never end.`, "replace the alias by the settings it should repeat"),
  yamlUnresolvedAlias: (name: string) =>
    error("YAML_SYNTAX", `The alias \`*${name}\` has no anchor \`&${name}\` before it.`, `define the anchor with &${name} before the first *${name}`),
  // ---- YAML reading (read-yaml.ts): what the one reading refuses besides yaml's own errors
  yamlTabIndent: () =>
    error(
      "YAML_SYNTAX",
      "A tab indents this line; YAML indents with spaces only, so this line and the ones after it cannot be read as meant.",
      "indent with spaces (most editors can convert the indentation: \"Convert Indentation to Spaces\")",
    ),
  yamlMultipleDocuments: () =>
    error(
      "YAML_SYNTAX",
      "A second YAML document starts here (`---`); a config file is one document.",
      "remove the `---` line, or move what follows it into a file of its own",
    ),
  yamlTag: (tag: string, yamlMessage: string) =>
    error(
      "YAML_SYNTAX",
      `${tag ? `The tag \`${tag}\`` : "This tag"} is not one mailgate reads (${yamlMessage}); config values are plain text, numbers, true/false, lists and mappings.`,
      "remove the tag and write the value plainly (in quotes if it must stay text)",
    ),
  yamlRepeatedDirective: (directive: string) =>
    error("YAML_SYNTAX", `The directive ${quote(directive)} repeats one given before for this document.`, "keep one of them (a config file needs no directives at all)"),
  yamlLooseNumber: (written: string, canonical: string | undefined) =>
    error(
      "NON_CANONICAL_NUMBER",
      `${quote(written)} is read as ${canonical === undefined ? "a number that is not finite" : `the number ${canonical}`}, written another way; a reviewer or another YAML tool may read it differently.`,
      canonical === undefined || !Number.isInteger(Number(canonical))
        ? `every number in a config is a whole number: write it as one, or put it in quotes ("${written}") if it is text`
        : `write ${canonical}, or put it in quotes ("${written}") if it is text, like an AWS account id`,
    ),
  yamlEmptyKey: () =>
    error(
      "YAML_SYNTAX",
      "This mapping entry has no key (nothing, or `~` / `null`, before its `:`).",
      "write the key's name before the `:`, or remove the entry",
    ),
  yamlForbiddenCharacter: (code: number) =>
    code === 0x0d
      ? error(
          "YAML_SYNTAX",
          "A carriage return ends a line here without a line feed (old Mac line endings); mailgate reads LF or CRLF line endings only.",
          "save the file with LF (or CRLF) line endings",
        )
      : error(
          "YAML_SYNTAX",
          `This line contains the character U+${code.toString(16).toUpperCase().padStart(4, "0")} (${characterKind(code)}), which YAML does not allow in a file.`,
          "delete it; inside double quotes an escape writes any character, e.g. \"\\x1b\"",
        ),
  yamlCollectionKey: () =>
    error(
      "YAML_SYNTAX",
      "This mapping key is a list or a mapping; keys in a mailgate config are names.",
      "write the key as a plain name (a `?` at the start of a line makes what follows a key)",
    ),
  fileSkipped: (reason: SkippedFileReason) => warning("FILE_SKIPPED", skippedMessage(reason), skippedHint(reason)),
  directoryUnreadable: (reason: string) => error("FILE_UNREADABLE", `This directory cannot be listed: ${reason}. Config files in it are not read.`),
  tooManyProblems: (hiddenErrors: number, hiddenWarnings: number, shown: number) =>
    (hiddenErrors > 0 ? error : warning)(
      "TOO_MANY_PROBLEMS",
      `${count(hiddenErrors + hiddenWarnings)} more problems in this file are not shown (${count(hiddenErrors)} errors, ${count(hiddenWarnings)} warnings); the first ${shown} are listed above.`,
      "fix these first; so many usually means the file is not a mailgate config at all",
    ),
};
