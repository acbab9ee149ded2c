import { describe, expect, it } from "vitest";
import { safeReturnPath } from "./guards.server.ts";

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
