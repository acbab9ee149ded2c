import { data, type RouterContextProvider, redirect } from "react-router";
import { authenticationContext, clientAddressContext, pendingSecondFactorContext } from "../context.server.ts";
import { can, type Permission } from "../domain/permissions.ts";
import type { Authentication } from "./session.server.ts";

/** The signed-in user, or a redirect to the sign-in page that comes back here. */
export function requireAuthentication(context: Readonly<RouterContextProvider>, request: Request): Authentication {
  const authentication = context.get(authenticationContext);
  if (authentication) return authentication;
  const retour = encodeURIComponent(pagePathOf(request));
  const pending = context.get(pendingSecondFactorContext);
  if (pending) throw redirect(`${SECOND_FACTOR_PAGES[pending.need]}?retour=${retour}`);
  throw redirect(`/connexion?retour=${retour}`);
}

/**
 * The page a request is for, to come back to: a client-side navigation asks
 * for "/accueil.data?_routes=…", the page is "/accueil".
 */
export function pagePathOf(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete("_routes");
  const pathname = url.pathname === "/_root.data" ? "/" : url.pathname.replace(/\.data$/, "");
  return pathname + url.search;
}

export const SECOND_FACTOR_PAGES = {
  verify: "/connexion/verification",
  enrol: "/compte/double-authentification",
} as const;

/** The session, signed in or still owing its second factor (for the second-factor pages and signing out). */
export function requireSession(context: Readonly<RouterContextProvider>, request: Request): Authentication {
  const pending = context.get(pendingSecondFactorContext);
  return pending ? pending.authentication : requireAuthentication(context, request);
}

/** The signed-in user whose active membership grants `permission`; 403 otherwise. */
export function requirePermission(
  context: Readonly<RouterContextProvider>,
  request: Request,
  permission: Permission,
): Authentication {
  const authentication = requireAuthentication(context, request);
  if (!can(authentication.context.role, permission)) {
    throw data({ message: "Votre rôle ne permet pas cette action." }, { status: 403 });
  }
  return authentication;
}

/**
 * A path inside the portal to go back to after signing in; anything else goes
 * home. Parsed as a browser would (which drops tabs and newlines and reads "\\"
 * as "/"), and kept only if it stays on this site.
 */
export function safeReturnPath(value: string | null | undefined): string {
  const fallback = "/accueil";
  const hasControlOrBackslash = [...(value ?? "")].some(
    (char) => char <= "\u001f" || char === "\u007f" || char === "\\",
  );
  if (!value?.startsWith("/") || hasControlOrBackslash) return fallback;
  const base = "http://portail.invalid";
  const url = new URL(value, base);
  return url.origin === base && !url.pathname.startsWith("//") ? `${url.pathname}${url.search}${url.hash}` : fallback;
}

export function clientMeta(
  context: Readonly<RouterContextProvider>,
  request: Request,
): { ipAddress: string; userAgent: string | null } {
  return {
    ipAddress: context.get(clientAddressContext),
    userAgent: request.headers.get("User-Agent")?.slice(0, 300) ?? null,
  };
}
