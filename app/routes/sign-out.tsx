import { redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { clearedSessionCookie } from "~/auth/cookie.server";
import { clientMeta } from "~/auth/guards.server";
import { authenticationContext, requestScopeContext } from "~/context.server";
import { deleteSession } from "~/queries/sessions.server";
import type { Route } from "./+types/sign-out";

export function loader() {
  throw redirect("/");
}

/** Ends the session server-side: the old cookie is worth nothing afterwards. */
export async function action({ context, request }: Route.ActionArgs) {
  const authentication = context.get(authenticationContext);
  if (authentication) {
    await context.get(requestScopeContext).transaction(async (trx) => {
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
