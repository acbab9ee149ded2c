import type { Transaction } from "kysely";
import { z } from "zod";
import type { DB } from "../db/schema.ts";
import type { NetworkIndicatorsData } from "./components/network-indicators.tsx";
import { parisToday } from "./domain/format.ts";
import { networkIndicatorsOfYear, networkMeetingYears } from "./queries/attendance.server.ts";

const yearParam = z.coerce
  .number({ error: "L'année est un nombre." })
  .int({ error: "L'année est un nombre entier." })
  .min(2000, { error: "L'année est comprise entre 2000 et 2100." })
  .max(2100, { error: "L'année est comprise entre 2000 et 2100." });

/**
 * What <NetworkIndicators> shows for a network, the year taken from the URL's `annee` (this year by default; an
 * invalid one says why and falls back to this year). For a loader, inside its transaction, once the network is known
 * to be in sight (networkAccess):
 *
 *   indicators: await loadNetworkIndicators(trx, network.id, new URL(request.url))
 */
export async function loadNetworkIndicators(
  trx: Transaction<DB>,
  networkId: string,
  url: URL,
  now: Date = new Date(),
): Promise<NetworkIndicatorsData> {
  const thisYear = Number(parisToday(now).slice(0, 4));
  const requested = url.searchParams.get("annee");
  const parsed = requested ? yearParam.safeParse(requested) : null;
  const year = parsed?.success ? parsed.data : thisYear;
  const [indicators, meetingYears] = await Promise.all([
    networkIndicatorsOfYear(trx, networkId, year),
    networkMeetingYears(trx, networkId),
  ]);
  return {
    indicators,
    years: [...new Set([thisYear, year, ...meetingYears])].sort((a, b) => b - a),
    yearError: parsed && !parsed.success ? (parsed.error.issues[0]?.message ?? "Année invalide.") : null,
  };
}
