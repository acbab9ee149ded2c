import { data, redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { requireAuthentication, safeReturnPath } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { setActiveMembership } from "~/queries/sessions.server";
import type { Route } from "./+types/switch-membership";

export function loader() {
  throw redirect("/accueil");
}

/** Acts from now on in another of the user's memberships. */
export async function action({ request, context }: Route.ActionArgs) {
  const authentication = requireAuthentication(context, request);
  const form = await request.formData();
  const membershipId = String(form.get("membership") ?? "");
  if (!authentication.memberships.some((membership) => membership.id === membershipId)) {
    throw data({ message: "Cet espace ne fait pas partie des vôtres." }, { status: 404 });
  }
  await context.get(requestScopeContext).transaction(async (trx) => {
    await setActiveMembership(trx, authentication.sessionId, membershipId);
    await recordEvent(trx, {
      action: "membership.switched",
      cooperativeId: authentication.context.cooperativeId,
      actorUserId: authentication.user.id,
      subject: membershipId,
    });
  });
  return redirect(safeReturnPath(String(form.get("retour") ?? "")));
}
