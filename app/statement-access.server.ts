import { data, type RouterContextProvider } from "react-router";
import { z } from "zod";
import { requirePermission } from "./auth/guards.server.ts";
import { requestScopeContext } from "./context.server.ts";
import { statementDocument } from "./queries/statements.server.ts";

const NOT_FOUND = "Appel de fonds introuvable.";

/**
 * A statement the caller may read (the payer's referents and viewers under RLS, the operator's admins), for the
 * statement's page and its PDF; 404 otherwise, the same for a malformed id, another organisation's or another
 * cooperative's statement.
 */
export async function loadStatement(
  context: Readonly<RouterContextProvider>,
  request: Request,
  id: string | undefined,
) {
  const { context: who } = requirePermission(context, request, "statements.read");
  const parsed = z.uuid().safeParse(id);
  const document = parsed.success
    ? await context.get(requestScopeContext).transaction((trx) => statementDocument(trx, parsed.data))
    : null;
  if (!document || document.cooperativeId !== who.cooperativeId) throw data({ message: NOT_FOUND }, { status: 404 });
  return document;
}
