import { data } from "react-router";
import { servicesContext } from "~/context.server";
import { feedByToken } from "~/meetings/tokens.server";
import type { Route } from "./+types/calendar-feed";

/** A personal calendar feed: no sign-in, its secret address opens its owner's meetings only (revoked: 404). */
export async function loader({ params, context }: Route.LoaderArgs) {
  const calendar = await feedByToken(context.get(servicesContext), params.token);
  if (!calendar) throw data({ message: "Agenda introuvable." }, { status: 404 });
  return new Response(calendar, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="reunions.ics"',
      "Cache-Control": "private, no-store",
      "Referrer-Policy": "no-referrer",
    },
  });
}
