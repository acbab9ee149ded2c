import { data } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext, servicesContext } from "~/context.server";
import { ownInvitationIcs } from "~/queries/meetings.server";
import { meetingAccess } from "~/queries/network-access.server";
import type { Route } from "./+types/meeting-ics";

/** The signed-in invitee's own calendar entry: METHOD:REQUEST, or CANCEL once the meeting is cancelled. */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const { publicUrl } = context.get(servicesContext);
  const ics = await context.get(requestScopeContext).transaction(async (trx) => {
    const access = await meetingAccess(trx, params.id);
    if (!access) return null;
    return ownInvitationIcs(trx, { meetingId: access.id, userId: who.userId as string, publicUrl });
  });
  if (!ics) throw data({ message: "Invitation introuvable." }, { status: 404 });
  const cancelled = ics.includes("METHOD:CANCEL");
  return new Response(ics, {
    headers: {
      "Content-Type": `text/calendar; charset=utf-8; method=${cancelled ? "CANCEL" : "REQUEST"}`,
      "Content-Disposition": `attachment; filename="${cancelled ? "annulation" : "invitation"}.ics"`,
      "Cache-Control": "private, no-store",
    },
  });
}
