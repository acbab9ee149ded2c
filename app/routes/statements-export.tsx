import { data } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { parisToday } from "~/domain/format";
import { statementsCsv } from "~/domain/statement-exports/csv";
import { statementsXlsx } from "~/domain/statement-exports/xlsx";
import { statementDocumentsOfYear } from "~/queries/statements.server";
import type { Route } from "./+types/statements-export";

const querySchema = z.object({
  format: z.enum(["csv", "xlsx"]),
  annee: z.coerce.number().int().min(2000).max(2100),
});

/** Operator admins: every statement of a year (one row per line) for the finance department, in CSV or XLSX. */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "statements.issue");
  const search = new URL(request.url).searchParams;
  const parsed = querySchema.safeParse({
    format: params.format,
    annee: search.get("annee") || parisToday().slice(0, 4),
  });
  if (!parsed.success) throw data({ message: "Export introuvable." }, { status: 404 });
  const { format, annee } = parsed.data;
  const documents = await context
    .get(requestScopeContext)
    .transaction((trx) => statementDocumentsOfYear(trx, who.cooperativeId as string, annee));
  const filename = `appels-de-fonds-${annee}.${format}`;
  const headers = {
    "Content-Disposition": `attachment; filename="${filename}"`,
    "Cache-Control": "private, no-store",
  };
  if (format === "csv") {
    return new Response(statementsCsv(documents), {
      headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" },
    });
  }
  return new Response((await statementsXlsx(documents)) as Uint8Array<ArrayBuffer>, {
    headers: { ...headers, "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
  });
}
