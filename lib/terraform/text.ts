/**
 * Terraform evaluates `${...}` and `%{...}` inside every JSON string. Any text that comes from
 * config must reach Terraform literally, so the two openers are doubled (`$${`, `%%{`), which is
 * Terraform's own escape. Applying it to already-escaped text keeps the user's text literal too.
 *
 * cdktf itself substitutes its token markers (`${TfToken[TOKEN.n]}`) anywhere in a string, and
 * no escape stops that, so text containing one is refused outright; validation keeps such text
 * out of config long before this point.
 */
export function escapeTerraformString(text: string): string {
  if (CDKTF_TOKEN_MARKER.test(text)) throw new Error(`refusing to pass a cdktf token marker from config to Terraform: ${JSON.stringify(text)}`);
  // Function replacements: in a replacement *string*, "$$" would mean a single "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

const CDKTF_TOKEN_MARKER = /\$\{TfToken\[/;

/** Characters AWS accepts in a security group (rule) description, and its length limit. */
const AWS_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
export const AWS_DESCRIPTION_MAX = 255;

export function isAwsDescription(text: string): boolean {
  return AWS_DESCRIPTION.test(text);
}

/**
 * Forces text into AWS's description alphabet and length. The provider does not check this at
 * plan time, so a bad description would only fail at apply: better a lossy description now.
 */
export function toAwsDescription(text: string): string {
  const cleaned = text.replace(/[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, "_");
  return cleaned.length <= AWS_DESCRIPTION_MAX ? cleaned : `${cleaned.slice(0, AWS_DESCRIPTION_MAX - 3)}...`;
}

/** Terraform resource/output names: a letter or underscore, then letters, digits, `_` and `-`. */
export function terraformName(...parts: string[]): string {
  let name = "";
  for (let i = 0; i < parts.length; i++) name += (i > 0 ? "_" : "") + namePart(parts[i]);
  return name === "" || /^[a-zA-Z_]/.test(name) ? name : `_${name}`;
}

/**
 * One part of a name with every other character replaced by `-`. Remembered: every rule's name
 * repeats its target's and one of a few dozen CIDRs (HubSpot's lists), and names are built for
 * constructs, the report and the verifier alike.
 */
function namePart(part: string): string {
  let cleaned = nameParts.get(part);
  if (cleaned === undefined) {
    cleaned = part.replace(/[^a-zA-Z0-9_-]/g, "-");
    if (nameParts.size >= 10_000) nameParts.clear();
    nameParts.set(part, cleaned);
  }
  return cleaned;
}

const nameParts = new Map<string, string>();
