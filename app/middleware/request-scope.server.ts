import type { MiddlewareFunction } from "react-router";
import { ANONYMOUS } from "../../db/request-context.ts";
import { clearedSessionCookie, readSessionToken } from "../auth/cookie.server.ts";
import { resolveSession } from "../auth/session.server.ts";
import { hashToken } from "../auth/tokens.server.ts";
import {
  authenticationContext,
  pendingSecondFactorContext,
  requestScopeContext,
  servicesContext,
} from "../context.server.ts";

/**
 * Resolves the session cookie, then gives every loader and action its request
 * scope: the signed-in user's active membership, or no context at all (also
 * while a session still owes its second factor). A
 * cookie that leads nowhere (expired, signed out, user disabled) is cleared.
 */
export const requestScopeMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
  const { scopes, adminSecondFactor } = context.get(servicesContext);
  const token = readSessionToken(request);
  const sessionId = token ? hashToken(token) : null;
  const state = sessionId
    ? await scopes(ANONYMOUS).withLookup({ sessionId }, (trx) =>
        resolveSession(trx, sessionId, new Date(), adminSecondFactor),
      )
    : null;
  const authentication = state?.status === "signed_in" ? state.authentication : null;
  context.set(authenticationContext, authentication);
  context.set(
    pendingSecondFactorContext,
    state?.status === "second_factor" ? { need: state.need, authentication: state.authentication } : null,
  );
  context.set(requestScopeContext, scopes(authentication?.context ?? ANONYMOUS));
  const response = await next();
  if (token && !state) response.headers.append("Set-Cookie", clearedSessionCookie());
  return response;
};
