import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * A config directory and an artifacts directory that live across the steps of one sequence of
 * edits, as they do in a team's git checkout: each step edits the config and synthesizes on top
 * of the placements the previous step wrote. The Terraform-tier sequences extend it with their
 * own synth and plan.
 */
export class ConfigWorkspace {
  readonly root: string;
  readonly config: string;
  readonly out: string;

  constructor(prefix: string, files: Record<string, string>) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.config = path.join(this.root, "config");
    this.out = path.join(this.root, "generated");
    this.write(files);
  }

  /** Writes config files; null removes one. */
  write(files: Record<string, string | null>): void {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(this.config, name);
      if (text === null) fs.rmSync(file, { force: true });
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
      }
    }
  }

  read(name: string): string {
    return fs.readFileSync(path.join(this.config, name), "utf8");
  }

  /** Replaces `from` (which must occur) in a config file. */
  edit(name: string, from: string | RegExp, to: string): void {
    const text = this.read(name);
    const next = text.replace(from, to);
    if (next === text) throw new Error(`edit of ${name}: ${String(from)} not found`);
    this.write({ [name]: next });
  }

  remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
