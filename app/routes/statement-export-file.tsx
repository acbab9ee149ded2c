import { data } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import { servicesContext } from "~/context.server";
import type { Route } from "./+types/statement-export-file";

/** A finished whole-year export's file, for the operator admin who started it (decision 017). */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "statements.issue");
  const jobs = context.get(servicesContext).statementExports;
  const owner = { cooperativeId: who.cooperativeId as string, userId: who.userId as string };
  const file = jobs.file(owner, params.id);
  if (!file) {
    if (jobs.find(owner, params.id)?.status === "running") {
      throw data({ message: "L'export n'est pas encore terminé." }, { status: 409 });
    }
    throw data({ message: "Export introuvable." }, { status: 404 });
  }
  return new Response(file.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "private, no-store",
    },
  });
}
