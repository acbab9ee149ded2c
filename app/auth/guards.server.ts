import { data, type RouterContextProvider, redirect } from "react-router";
import { authenticationContext, clientAddressContext } from "../context.server.ts";
import { can, type Permission } from "../domain/permissions.ts";
import type { Authentication } from "./session.server.ts";

/** The signed-in user, or a redirect to the sign-in page that comes back here. */
export function requireAuthentication(context: Readonly<RouterContextProvider>, request: Request): Authentication {
  const authentication = context.get(authenticationContext);
  if (authentication) return authentication;
  const url = new URL(request.url);
  throw redirect(`/connexion?retour=${encodeURIComponent(url.pathname + url.search)}`);
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
