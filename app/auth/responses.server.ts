import { data, type RouterContextProvider, redirect } from "react-router";
import { authenticationContext, pendingSecondFactorContext, servicesContext } from "../context.server.ts";
import { deleteSession } from "../queries/sessions.server.ts";
import { sessionCookie } from "./cookie.server.ts";
import type { SignInResult } from "./sign-in.server.tsx";

/** After a successful sign-in: the session the browser had ends, the new cookie, and on to where the user was going. */
export async function signedInRedirect(
  context: Readonly<RouterContextProvider>,
  result: Extract<SignInResult, { ok: true }>,
  to: string,
): Promise<Response> {
  const previous = context.get(authenticationContext) ?? context.get(pendingSecondFactorContext)?.authentication;
  if (previous) {
    await context
      .get(servicesContext)
      .scopes(previous.context)
      .transaction((trx) => deleteSession(trx, previous.sessionId));
  }
  return redirect(to, { headers: { "Set-Cookie": sessionCookie(result.token, result.expiresAt) } });
}

export function throttledResponse<T extends object>(values: T, retryAfterSeconds = 60) {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return data(
    { ...values, error: `Trop de tentatives. Réessayez dans ${minutes} minute${minutes > 1 ? "s" : ""}.` },
    { status: 429, headers: { "Retry-After": String(retryAfterSeconds) } },
  );
}

export const LINK_SENT_MESSAGE =
  "Si un compte actif existe pour cette adresse, un message vient d'y être envoyé. Le lien qu'il contient est valable 10 minutes.";
