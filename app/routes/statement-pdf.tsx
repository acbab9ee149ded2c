import { attachmentDisposition } from "~/domain/downloads";
import { statementPdf, statementPdfFileName } from "~/domain/statement-exports/pdf";
import { loadStatement } from "~/statement-access.server";
import type { Route } from "./+types/statement-pdf";

/** The statement as a PDF, for those who may read it. */
export async function loader({ params, request, context }: Route.LoaderArgs) {
  const document = await loadStatement(context, request, params.id);
  const pdf = await statementPdf(document);
  const filename = statementPdfFileName(document);
  return new Response(pdf as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": attachmentDisposition(filename),
      "Cache-Control": "private, no-store",
    },
  });
}
