import { describe, expect, it } from "vitest";
import { pagePathOf, safeReturnPath } from "./guards.server.ts";

describe("safeReturnPath", () => {
  it("keeps a path of the portal, with its query and fragment", () => {
    expect(safeReturnPath("/compte")).toBe("/compte");
    expect(safeReturnPath("/cooperatives/243400017?page=2#membres")).toBe("/cooperatives/243400017?page=2#membres");
  });

  it("sends anything that could leave the site home", () => {
    for (const value of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      null,
      undefined,
    ]) {
      expect(safeReturnPath(value), JSON.stringify(value)).toBe("/accueil");
    }
  });
});

describe("pagePathOf", () => {
  it("names the page of a client-side navigation's data request, not the data URL", () => {
    expect(pagePathOf(new Request("http://portail.test/accueil.data?_routes=routes%2Fhome"))).toBe("/accueil");
    expect(pagePathOf(new Request("http://portail.test/journal.data?page=2&_routes=x"))).toBe("/journal?page=2");
    expect(pagePathOf(new Request("http://portail.test/_root.data"))).toBe("/");
    expect(pagePathOf(new Request("http://portail.test/personnes?desactiver=1"))).toBe("/personnes?desactiver=1");
  });
});
