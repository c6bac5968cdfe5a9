/**
 * Lines as a file's text. The artifacts are megabytes at 10,000 domains: appending the final
 * newline to the joined text (`${lines.join("\n")}\n`) makes a second string that the writer
 * must then copy whole into one, so the newline is joined in as an empty last line instead.
 * Both take ownership of `lines` (they may change it).
 */

/** `${lines.join("\n")}\n`, in one copy. */
export function fileText(lines: string[]): string {
  if (lines.length === 0) return "\n";
  lines.push("");
  return lines.join("\n");
}

/**
 * `${lines.join("\n").trimEnd()}\n`, in one copy: trailing blank lines dropped, the last line's
 * trailing whitespace too, then one newline.
 */
export function trimmedFileText(lines: string[]): string {
  while (lines.length > 0 && lines[lines.length - 1].trimEnd() === "") lines.pop();
  if (lines.length === 0) return "\n";
  lines[lines.length - 1] = lines[lines.length - 1].trimEnd();
  return fileText(lines);
}
