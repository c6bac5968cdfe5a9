/**
 * The ephemeral ports HubSpot's side of each connection uses (AWS's recommendation for return
 * traffic): where a stateless network ACL lets the replies out. One constant for the rules that
 * are written (lib/aws) and the verifier that reads them back (lib/verify).
 */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
