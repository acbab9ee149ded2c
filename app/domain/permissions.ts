import type { MembershipRole } from "../../db/schema.ts";

/**
 * What each role may do: the one permission model, used by loaders and
 * actions through requirePermission(). The database mirrors it in its
 * policies (a viewer's transaction writes nothing whatever the app says).
 */
export const PERMISSIONS = [
  "cooperative.read",
  "members.read",
  "catalogue.read",
  "catalogue.manage",
  "subscriptions.read",
  "subscriptions.request",
  "subscriptions.approve",
  "costs.simulate",
  "statements.read",
  "statements.issue",
  "organisations.manage",
  "people.invite",
  "trainings.register",
  "networks.read",
  "reports.read",
  "mail.manage",
  "audit.read",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

// The audit log holds personal data (addresses, IPs): operator admins only, not among the readers.
const READ: Permission[] = ["cooperative.read", "members.read", "catalogue.read", "networks.read", "reports.read"];

export const ROLE_PERMISSIONS: Record<MembershipRole, readonly Permission[]> = {
  operator_admin: PERMISSIONS,
  referent: [
    ...READ,
    "subscriptions.read",
    "subscriptions.request",
    "costs.simulate",
    "statements.read",
    "people.invite",
    "trainings.register",
  ],
  agent: [...READ, "trainings.register"],
  viewer: [...READ, "subscriptions.read", "statements.read"],
};

export function can(role: MembershipRole | null, permission: Permission): boolean {
  return role !== null && ROLE_PERMISSIONS[role].includes(permission);
}
