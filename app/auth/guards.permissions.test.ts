import { RouterContextProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { authenticationContext } from "../context.server.ts";
import { requirePermission } from "./guards.server.ts";
import type { Authentication } from "./session.server.ts";

function contextAs(role: Authentication["context"]["role"] | "anonymous") {
  const context = new RouterContextProvider();
  context.set(
    authenticationContext,
    role === "anonymous"
      ? null
      : ({
          sessionId: "s",
          user: { id: "u", email: "u@example.test", displayName: "U" },
          memberships: [],
          active: null,
          context: { userId: "u", cooperativeId: "c", organisationId: "o", role },
          secondFactor: { enrolled: true, required: role === "operator_admin" },
        } satisfies Authentication),
  );
  return context;
}

async function outcome(run: () => unknown): Promise<string> {
  try {
    run();
    return "allowed";
  } catch (thrown) {
    if (thrown instanceof Response) return `${thrown.status} ${thrown.headers.get("Location")}`;
    return `${(thrown as { init?: { status: number } }).init?.status}`;
  }
}

describe("requirePermission", () => {
  const request = new Request("http://localhost/catalogue?categorie=rh");

  it("sends an anonymous visitor to sign in, then back here", async () => {
    expect(await outcome(() => requirePermission(contextAs("anonymous"), request, "catalogue.read"))).toBe(
      "302 /connexion?retour=%2Fcatalogue%3Fcategorie%3Drh",
    );
  });

  it("lets a role with the permission through and answers 403 to one without", async () => {
    expect(await outcome(() => requirePermission(contextAs("referent"), request, "subscriptions.request"))).toBe(
      "allowed",
    );
    expect(await outcome(() => requirePermission(contextAs("viewer"), request, "subscriptions.request"))).toBe("403");
    expect(await outcome(() => requirePermission(contextAs("agent"), request, "catalogue.manage"))).toBe("403");
  });
});
