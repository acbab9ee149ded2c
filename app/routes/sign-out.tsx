import { redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { clearedSessionCookie } from "~/auth/cookie.server";
import { clientMeta } from "~/auth/guards.server";
import { authenticationContext, pendingSecondFactorContext, servicesContext } from "~/context.server";
import { deleteSession } from "~/queries/sessions.server";
import type { Route } from "./+types/sign-out";

export function loader() {
  throw redirect("/");
}

/** Ends the session server-side: the old cookie is worth nothing afterwards. */
export async function action({ context, request }: Route.ActionArgs) {
  const authentication = context.get(authenticationContext) ?? context.get(pendingSecondFactorContext)?.authentication;
  if (authentication) {
    // A session still owing its second factor may sign out too: its password was accepted.
    await context
      .get(servicesContext)
      .scopes(authentication.context)
      .transaction(async (trx) => {
        await deleteSession(trx, authentication.sessionId);
        await recordEvent(trx, {
          action: "session.signed_out",
          cooperativeId: authentication.context.cooperativeId,
          actorUserId: authentication.user.id,
          ipAddress: clientMeta(context, request).ipAddress,
        });
      });
  }
  return redirect("/", { headers: { "Set-Cookie": clearedSessionCookie() } });
}
