import type { MembershipRole } from "../../db/schema.ts";

/**
 * The roles someone may grant in an organisation (by invitation or by changing
 * a membership): an operator admin, anyone anywhere (admins and viewers in the
 * operator only); a referent, agents and viewers of its own organisation. The
 * database enforces the same (app_may_manage_membership).
 */
export function grantableRoles(managerRole: MembershipRole | null, organisationIsOperator: boolean): MembershipRole[] {
  if (managerRole === "operator_admin") {
    return organisationIsOperator ? ["operator_admin", "viewer"] : ["referent", "agent", "viewer"];
  }
  if (managerRole === "referent") return ["agent", "viewer"];
  return [];
}
