import { data } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { attachmentDisposition } from "~/domain/downloads";
import { findNetworkFile } from "~/queries/minutes.server";
import type { Route } from "./+types/network-file";

/**
 * A file of a network (a meeting's document, a minutes' attachment), to anyone of its cooperative; an unknown id or
 * another cooperative's file is the same 404. Always a download, never rendered by the browser.
 */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const file = await context
    .get(requestScopeContext)
    .transaction((trx) => findNetworkFile(trx, params.fileId, who.cooperativeId as string));
  if (!file) throw data({ message: "Fichier introuvable." }, { status: 404 });
  return new Response(file.content as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Length": String(file.sizeBytes),
      "Content-Disposition": attachmentDisposition(file.filename),
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
