import { randomBytes } from "node:crypto";
import { createContext, type MiddlewareFunction, type RouterContextProvider } from "react-router";

/** The CSP nonce of the current request, set by `securityMiddleware` before any loader, action or render. */
export const nonceContext = createContext<string>();

/** The nonce set by `securityMiddleware`, or undefined when it did not run (e.g. a 405 short-circuits middleware). */
export function readNonce(context: Readonly<RouterContextProvider>): string | undefined {
  try {
    return context.get(nonceContext);
  } catch {
    return undefined;
  }
}

/** 128 random bits, base64: unguessable, and valid in a CSP `'nonce-…'` source. */
export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

export interface SecurityHeadersOptions {
  nonce: string;
  /** Adds HSTS and drops the development relaxations (inline styles and the HMR websocket of Vite's dev server). */
  production: boolean;
}

export function contentSecurityPolicy({ nonce, production }: SecurityHeadersOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    // With 'strict-dynamic', CSP3 browsers ignore 'self' and trust only nonced scripts and the modules they import;
    // 'self' is the fallback for browsers without 'strict-dynamic'.
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"],
    // Development: Vite injects imported CSS as <style> elements and React Router inlines critical CSS.
    "style-src": production ? ["'self'"] : ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    // Development: Vite's HMR websocket listens on its own port in middleware mode.
    "connect-src": production ? ["'self'"] : ["'self'", "ws:", "wss:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

/** The headers every response carries; HSTS only in production (browsers ignore it over plain HTTP anyway). */
export function securityHeaders(options: SecurityHeadersOptions): Record<string, string> {
  return {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(options.production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function originOf(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * CSRF check: safe methods always pass; any other method needs an `Origin`
 * header equal to the site's origin. The site's origin is `expectedOrigin`
 * when given (the public origin, behind a proxy that rewrites the host or the
 * scheme), otherwise the request URL's. A missing, `null` or malformed Origin
 * is refused: every current browser sends Origin on non-GET requests.
 */
export function isSameOriginRequest(request: Request, expectedOrigin?: string): boolean {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
  const origin = request.headers.get("Origin");
  if (origin === null || origin === "null") return false;
  const actual = originOf(origin);
  const expected = originOf(expectedOrigin ?? request.url);
  return actual !== undefined && actual !== "null" && actual === expected;
}

export const CSRF_REFUSAL_MESSAGE = "Requête refusée : origine non vérifiée.";

export interface SecurityMiddlewareOptions {
  /** The site's public origin (e.g. "https://portail.example.fr"), when the request URL does not show it. */
  expectedOrigin?: string;
  /** Defaults to `process.env.NODE_ENV === "production"`, read on each request. */
  production?: boolean;
}

function withSecurityHeaders(response: Response, headers: Record<string, string>): Response {
  let target = response;
  try {
    for (const [name, value] of Object.entries(headers)) {
      // A route's own header (e.g. a stricter CSP) wins.
      if (!target.headers.has(name)) target.headers.set(name, value);
    }
  } catch {
    // Immutable headers (Response.redirect(), a proxied fetch): copy the response, then set them.
    target = new Response(response.body, response);
    for (const [name, value] of Object.entries(headers)) {
      if (!target.headers.has(name)) target.headers.set(name, value);
    }
  }
  return target;
}

export function createSecurityMiddleware(options: SecurityMiddlewareOptions = {}): MiddlewareFunction<Response> {
  return async ({ request, context }, next) => {
    const production = options.production ?? process.env.NODE_ENV === "production";
    const nonce = createNonce();
    const headers = securityHeaders({ nonce, production });
    if (!isSameOriginRequest(request, options.expectedOrigin)) {
      return withSecurityHeaders(
        new Response(CSRF_REFUSAL_MESSAGE, {
          status: 403,
          headers: { "Content-Type": "text/plain; charset=utf-8" },
        }),
        headers,
      );
    }
    context.set(nonceContext, nonce);
    return withSecurityHeaders(await next(), headers);
  };
}

/** CSRF refusal, CSP nonce and security headers; first in the root route's middleware. */
export const securityMiddleware: MiddlewareFunction<Response> = createSecurityMiddleware();
