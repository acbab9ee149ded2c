import { describe, expect, it } from "vitest";
import { grantableRoles } from "./membership-rules.ts";

describe("grantableRoles", () => {
  it("lets an operator admin grant admins and viewers in the operator, other roles in members", () => {
    expect(grantableRoles("operator_admin", true)).toEqual(["operator_admin", "viewer"]);
    expect(grantableRoles("operator_admin", false)).toEqual(["referent", "agent", "viewer"]);
  });

  it("lets a referent grant agents and viewers only, and nobody else grant anything", () => {
    expect(grantableRoles("referent", false)).toEqual(["agent", "viewer"]);
    expect(grantableRoles("agent", false)).toEqual([]);
    expect(grantableRoles("viewer", false)).toEqual([]);
    expect(grantableRoles(null, false)).toEqual([]);
  });
});
