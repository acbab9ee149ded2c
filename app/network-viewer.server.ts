import { data, type RouterContextProvider } from "react-router";
import type { MembershipRole } from "../db/schema.ts";
import { clientMeta, requirePermission } from "./auth/guards.server.ts";
import { requestScopeContext } from "./context.server.ts";
import { type NetworkAccess, networkAccess } from "./queries/network-access.server.ts";

/** Who looks at the networks: signed in with `networks.read` (every role), in their active membership. */
export function networkViewer(context: Readonly<RouterContextProvider>, request: Request) {
  const authentication = requirePermission(context, request, "networks.read");
  const active = authentication.active;
  // requirePermission passed: a role, hence an active membership.
  if (!active) throw data({ message: "Votre rôle ne permet pas cette action." }, { status: 403 });
  return {
    userId: authentication.user.id,
    displayName: authentication.user.displayName,
    cooperativeId: active.cooperativeId,
    organisationId: active.organisationId,
    role: active.role as MembershipRole,
    isOperatorAdmin: active.role === "operator_admin",
    ipAddress: clientMeta(context, request).ipAddress,
  };
}

export type NetworkViewer = ReturnType<typeof networkViewer>;

/**
 * The network of the URL as the viewer sees it (another cooperative's, or a malformed id: 404), and whether the viewer
 * manages it. With `manage`, a viewer who does not manage it (an operator admin or one of its leads) gets 403.
 */
export async function requireNetwork(
  context: Readonly<RouterContextProvider>,
  request: Request,
  networkId: string | undefined,
  { manage = false } = {},
): Promise<{ viewer: NetworkViewer; network: NetworkAccess }> {
  const viewer = networkViewer(context, request);
  const network = await context.get(requestScopeContext).transaction((trx) => networkAccess(trx, networkId ?? ""));
  if (!network || network.cooperativeId !== viewer.cooperativeId) {
    throw data({ message: "Réseau introuvable." }, { status: 404 });
  }
  if (manage && !network.manages) {
    throw data(
      { message: "Seuls les animateurs du réseau et les administrateurs peuvent faire cela." },
      { status: 403 },
    );
  }
  return { viewer, network };
}
