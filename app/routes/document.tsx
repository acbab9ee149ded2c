import { data } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { attachmentDisposition } from "~/domain/downloads";
import { findDocument } from "~/queries/subscriptions.server";
import type { Route } from "./+types/document";

/**
 * A council decision PDF, to its organisation's people and the operator admins only (row-level security decides:
 * anyone else gets the same 404 as for an unknown id). Always a download, never rendered by the browser.
 */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "subscriptions.read");
  const id = z.uuid().safeParse(params.id);
  const document = id.success
    ? await context
        .get(requestScopeContext)
        .transaction((trx) => findDocument(trx, id.data, who.cooperativeId as string))
    : null;
  if (!document) throw data({ message: "Document introuvable." }, { status: 404 });
  return new Response(document.content as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(document.size_bytes),
      "Content-Disposition": attachmentDisposition(document.filename),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
