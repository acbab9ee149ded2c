import type { MembershipRole, OrganisationKind, PopulationBasis } from "../../db/schema.ts";

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  commune: "Commune",
  epci: "EPCI",
  ccas: "CCAS",
  other: "Autre organisme",
};

export const POPULATION_BASIS_LABELS: Record<PopulationBasis, string> = {
  total: "population totale",
  municipal: "population municipale",
};

/**
 * Role codes of a membership (organisation, role). `network_lead` is granted
 * per thematic network on top of a membership, so it is not a membership role.
 */
export const MEMBERSHIP_ROLES = ["operator_admin", "referent", "agent", "viewer"] as const satisfies MembershipRole[];
export const ROLE_CODES = [...MEMBERSHIP_ROLES, "network_lead"] as const;
export type RoleCode = (typeof ROLE_CODES)[number];

export const ROLE_LABELS: Record<RoleCode, string> = {
  operator_admin: "Administrateur de la coopérative",
  referent: "Référent",
  agent: "Agent",
  viewer: "Lecteur (élu)",
  network_lead: "Animateur de réseau",
};
