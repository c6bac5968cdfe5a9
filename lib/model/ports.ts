/**
 * The ports HubSpot's side of a connection uses: a stateless firewall (a network ACL) must let
 * the replies out to them, TCP 1024-65535 back to every source it lets in.
 */
export const EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
