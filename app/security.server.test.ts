import { RouterContextProvider } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CSRF_REFUSAL_MESSAGE,
  createNonce,
  createSecurityMiddleware,
  isSameOriginRequest,
  nonceContext,
  securityHeaders,
  securityMiddleware,
} from "./security.server.ts";

const SITE = "https://portail.example.fr";

function request(method: string, headers: Record<string, string> = {}, url = `${SITE}/cooperatives/200046977`) {
  return new Request(url, { method, headers });
}

/** Runs the middleware as React Router does; `next` renders an empty page and counts its calls. */
async function run(req: Request, middleware = securityMiddleware) {
  const context = new RouterContextProvider();
  const next = vi.fn(async () => new Response("<!doctype html>", { headers: { "Content-Type": "text/html" } }));
  const response = await middleware({ request: req, context, params: {}, url: new URL(req.url), pattern: "" }, next);
  if (!(response instanceof Response)) throw new Error("the middleware must return the response");
  return { response, next, context };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("CSRF", () => {
  it("refuses a POST from a foreign origin", async () => {
    const { response, next } = await run(request("POST", { Origin: "https://attaquant.example.com" }));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Requête refusée : origine non vérifiée.");
    expect(response.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(next).not.toHaveBeenCalled();
  });

  it("refuses a POST without Origin", async () => {
    const { response, next } = await run(request("POST"));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe(CSRF_REFUSAL_MESSAGE);
    expect(next).not.toHaveBeenCalled();
  });

  it("refuses an opaque `null` Origin and other state-changing methods from elsewhere", async () => {
    for (const req of [
      request("POST", { Origin: "null" }),
      request("DELETE", { Origin: "http://portail.example.fr" }),
      request("PUT", { Origin: "https://portail.example.fr:8443" }),
      request("PATCH", { Origin: "not a url" }),
    ]) {
      const { response, next } = await run(req);
      expect(response.status, `${req.method} ${req.headers.get("Origin")}`).toBe(403);
      expect(next).not.toHaveBeenCalled();
    }
  });

  it("passes a POST from the site's own origin to the route", async () => {
    const { response, next, context } = await run(request("POST", { Origin: SITE }));
    expect(next).toHaveBeenCalledOnce();
    expect(response.status).toBe(200);
    expect(context.get(nonceContext)).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it("passes GET, HEAD and OPTIONS without Origin", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      const { response, next } = await run(request(method));
      expect(response.status, method).toBe(200);
      expect(next).toHaveBeenCalledOnce();
    }
  });

  it("behind a proxy, compares with the configured public origin", async () => {
    // The proxy terminates TLS: the app sees http://127.0.0.1:3000, the browser says https://portail.example.fr.
    const internal = "http://127.0.0.1:3000/cooperatives";
    const behindProxy = createSecurityMiddleware({ expectedOrigin: SITE });
    expect((await run(request("POST", { Origin: SITE }, internal), behindProxy)).response.status).toBe(200);
    expect(
      (await run(request("POST", { Origin: "http://127.0.0.1:3000" }, internal), behindProxy)).response.status,
    ).toBe(403);
    expect(isSameOriginRequest(request("POST", { Origin: SITE }, internal))).toBe(false);
    expect(isSameOriginRequest(request("POST", { Origin: SITE }, internal), `${SITE}/`)).toBe(true);
  });
});

describe("security headers", () => {
  it("sends a nonce-based CSP and the other headers on the route's response", async () => {
    const { response, context } = await run(request("GET"));
    const nonce = context.get(nonceContext);
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(response.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
    expect(response.headers.get("Content-Type")).toBe("text/html");
  });

  it("also sends them on the refusal", async () => {
    const { response } = await run(request("POST"));
    expect(response.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("sends HSTS in production only, and relaxes styles and websockets only in development", async () => {
    vi.stubEnv("NODE_ENV", "production");
    const production = (await run(request("GET"))).response.headers;
    expect(production.get("Strict-Transport-Security")).toBe("max-age=63072000; includeSubDomains");
    expect(production.get("Content-Security-Policy")).toContain("style-src 'self';");
    expect(production.get("Content-Security-Policy")).toContain("connect-src 'self';");
    expect(production.get("Content-Security-Policy")).not.toContain("unsafe-inline");

    vi.stubEnv("NODE_ENV", "development");
    const development = (await run(request("GET"))).response.headers;
    expect(development.has("Strict-Transport-Security")).toBe(false);
    expect(development.get("Content-Security-Policy")).toContain("style-src 'self' 'unsafe-inline'");
    // Scripts stay nonce-only in development too.
    expect(development.get("Content-Security-Policy")).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic';/);
  });

  it("gives every request its own nonce", async () => {
    const first = await run(request("GET"));
    const second = await run(request("GET"));
    const firstNonce = first.context.get(nonceContext);
    const secondNonce = second.context.get(nonceContext);
    expect(firstNonce).not.toBe(secondNonce);
    expect(first.response.headers.get("Content-Security-Policy")).toContain(`'nonce-${firstNonce}'`);
    expect(second.response.headers.get("Content-Security-Policy")).toContain(`'nonce-${secondNonce}'`);
    expect(createNonce()).not.toBe(createNonce());
    expect(Buffer.from(createNonce(), "base64")).toHaveLength(16);
  });

  it("keeps a Content-Security-Policy the route set itself", async () => {
    const own = "default-src 'none'";
    const context = new RouterContextProvider();
    const req = request("GET");
    const response = await securityMiddleware(
      { request: req, context, params: {}, url: new URL(req.url), pattern: "" },
      async () => new Response("{}", { headers: { "Content-Security-Policy": own } }),
    );
    if (!(response instanceof Response)) throw new Error("the middleware must return the response");
    expect(response.headers.get("Content-Security-Policy")).toBe(own);
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  it("adds them to a response whose headers are immutable", async () => {
    const context = new RouterContextProvider();
    const req = request("GET");
    const response = await securityMiddleware(
      { request: req, context, params: {}, url: new URL(req.url), pattern: "" },
      async () => Response.redirect(`${SITE}/`, 302),
    );
    if (!(response instanceof Response)) throw new Error("the middleware must return the response");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(`${SITE}/`);
    expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  });

  it("lists the headers for a given nonce", () => {
    const headers = securityHeaders({ nonce: "abc", production: true });
    expect(headers["Content-Security-Policy"]).toBe(
      "default-src 'self'; script-src 'self' 'nonce-abc' 'strict-dynamic'; style-src 'self'; img-src 'self' data:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
  });
});
