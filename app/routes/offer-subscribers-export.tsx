import { catalogueViewer, requireOffer } from "~/catalogue.server";
import { requestScopeContext } from "~/context.server";
import { formatUnits } from "~/domain/allocation/format-fr";
import { subscribersCsv } from "~/domain/catalogue";
import { listSubscribers } from "~/queries/offers.server";
import type { Route } from "./+types/offer-subscribers-export";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "subscriptions.approve");
  const offer = await requireOffer(context, viewer, params.id);
  const rows = await context
    .get(requestScopeContext)
    .transaction((trx) => listSubscribers(trx, viewer.cooperativeId, offer.id));
  const labelOf = new Map(offer.options.map((option) => [option.key, option.label]));
  const csv = subscribersCsv(
    rows.map((row) => ({
      ...row,
      optionLabels: row.optionKeys.map((key) => labelOf.get(key) ?? key),
      units: Object.entries(row.declaredUnits)
        .map(([unit, hundredths]) => `${formatUnits(hundredths)} ${unit}`)
        .join(", "),
    })),
  );
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="adherents-${viewer.today}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
