// tr46 (pinned in package.json) ships no type declarations; this is the part of its API that
// lib/model/names.ts uses, as its README documents it for the pinned version.
declare module "tr46" {
  export interface ToAsciiOptions {
    /** Refuse `--` in the third and fourth positions and a leading or trailing hyphen. @default false */
    readonly checkHyphens?: boolean;
    /** Apply the RFC 5893 Bidi rule to Bidi domain names. @default false */
    readonly checkBidi?: boolean;
    /** Apply the RFC 5892 ContextJ rules to ZWJ/ZWNJ. @default false */
    readonly checkJoiners?: boolean;
    /** STD3 rules: ASCII other than letters, digits and hyphen is an error. @default false */
    readonly useSTD3ASCIIRules?: boolean;
    /** Deprecated transitional processing (ß becomes ss). @default false */
    readonly transitionalProcessing?: boolean;
    /** Refuse empty labels and names over 253 or labels over 63 characters. @default false */
    readonly verifyDNSLength?: boolean;
    /** Keep going past a label whose Punycode does not decode. @default false */
    readonly ignoreInvalidPunycode?: boolean;
  }
  /** The name in ASCII (Punycode labels), or null when UTS #46 processing records an error. */
  export function toASCII(domainName: string, options?: ToAsciiOptions): string | null;
}
