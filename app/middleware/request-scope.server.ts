import type { MiddlewareFunction } from "react-router";
import { ANONYMOUS } from "../../db/request-context.ts";
import { requestScopeContext, requestScopeFactoryContext } from "../context.server.ts";

/**
 * Gives every loader and action its request scope. Sign-in (next issue) will
 * put the signed-in user's active membership here instead of ANONYMOUS.
 */
export const requestScopeMiddleware: MiddlewareFunction<Response> = ({ context }) => {
  context.set(requestScopeContext, context.get(requestScopeFactoryContext)(ANONYMOUS));
};
