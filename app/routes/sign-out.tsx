import { redirect } from "react-router";
import { clearedSessionCookie } from "~/auth/cookie.server";
import { authenticationContext, requestScopeContext } from "~/context.server";
import { deleteSession } from "~/queries/sessions.server";
import type { Route } from "./+types/sign-out";

export function loader() {
  throw redirect("/");
}

/** Ends the session server-side: the old cookie is worth nothing afterwards. */
export async function action({ context }: Route.ActionArgs) {
  const authentication = context.get(authenticationContext);
  if (authentication) {
    await context.get(requestScopeContext).transaction((trx) => deleteSession(trx, authentication.sessionId));
  }
  return redirect("/", { headers: { "Set-Cookie": clearedSessionCookie() } });
}
