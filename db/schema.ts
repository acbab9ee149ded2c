import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

// Column types of the database, by hand: the migrations are the source of truth.

export type OrganisationKind = "commune" | "epci" | "ccas" | "other";
export type PopulationBasis = "total" | "municipal";
export type MembershipRole = "operator_admin" | "referent" | "agent" | "viewer";

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export interface CooperativesTable {
  id: Generated<string>;
  siren: string;
  epci_name: string;
  display_name: string;
  default_population_basis: Generated<PopulationBasis>;
  created_at: CreatedAt;
}

export interface OrganisationsTable {
  id: Generated<string>;
  cooperative_id: string;
  kind: OrganisationKind;
  is_operator: Generated<boolean>;
  siren: string;
  insee_code: string | null;
  name: string;
  search_name: ColumnType<string, never, never>;
  inactive_since: ColumnType<string | null, string | null | undefined, string | null>;
  territory_member: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PopulationFiguresTable {
  id: Generated<string>;
  organisation_id: string;
  cooperative_id: string;
  year: number;
  basis: PopulationBasis;
  population: number;
  source: string;
  recorded_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  disabled_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  id: Generated<string>;
  user_id: string;
  organisation_id: string;
  cooperative_id: string;
  role: MembershipRole;
  created_at: CreatedAt;
}

export interface DB {
  cooperatives: CooperativesTable;
  organisations: OrganisationsTable;
  population_figures: PopulationFiguresTable;
  users: UsersTable;
  memberships: MembershipsTable;
}

export type Cooperative = Selectable<CooperativesTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type PopulationFigure = Selectable<PopulationFiguresTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
