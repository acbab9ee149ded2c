import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, type Permission } from "./permissions.ts";

// Written out by hand: what each role may do, read from DOMAIN.md, not from the map under test.
const EXPECTED: Record<Permission, [admin: boolean, referent: boolean, agent: boolean, viewer: boolean]> = {
  "cooperative.read": [true, true, true, true],
  "members.read": [true, true, true, true],
  "catalogue.read": [true, true, true, true],
  "catalogue.manage": [true, false, false, false],
  "subscriptions.read": [true, true, false, true],
  "subscriptions.request": [true, true, false, false],
  "subscriptions.approve": [true, false, false, false],
  "costs.simulate": [true, true, false, false],
  "statements.read": [true, true, false, true],
  "statements.issue": [true, false, false, false],
  "organisations.manage": [true, false, false, false],
  "people.invite": [true, true, false, false],
  "trainings.register": [true, true, true, false],
  "networks.read": [true, true, true, true],
  "reports.read": [true, true, true, true],
  "mail.manage": [true, false, false, false],
  "audit.read": [true, false, false, false],
};

describe("the permission model", () => {
  it("grants each role exactly what the table says", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...PERMISSIONS].sort());
    for (const [permission, [admin, referent, agent, viewer]] of Object.entries(EXPECTED)) {
      const granted = (["operator_admin", "referent", "agent", "viewer"] as const).map((role) =>
        can(role, permission as Permission),
      );
      expect(granted, permission).toEqual([admin, referent, agent, viewer]);
    }
  });

  it("grants nothing without an active membership, and nothing to write to a viewer", () => {
    for (const permission of PERMISSIONS) expect(can(null, permission)).toBe(false);
    const writes = PERMISSIONS.filter((permission) => !permission.endsWith(".read"));
    expect(can("viewer", "audit.read")).toBe(false);
    expect(writes.filter((permission) => can("viewer", permission))).toEqual([]);
  });
});
