import { type Kysely, sql } from "kysely";
import { APP_ROLE } from "../db/request-context.ts";
import {
  KEYED_TABLES,
  OWNER_ONLY_TABLES,
  PUBLIC_REFERENCE_TABLES,
  SECURITY_DEFINER_FUNCTIONS,
  TABLES_WITHOUT_RLS,
} from "../db/rls-exceptions.ts";
import type { DB } from "../db/schema.ts";

interface Relation {
  name: string;
  kind: string;
  rls: boolean;
  forced: boolean;
  policies_for_app: number;
  app_privileges: boolean;
  security_invoker: boolean;
}

/**
 * What the catalog says is wrong with tenant isolation: tables without forced
 * row-level security or policies (outside the written exceptions), views
 * without security_invoker, an app role that could bypass it.
 */
export async function findIsolationProblems(
  db: Kysely<DB>,
  tenantTables: string[],
  appRole: string = APP_ROLE,
): Promise<string[]> {
  const problems: string[] = [];
  const { rows: relations } = await sql<Relation>`
    SELECT c.relname AS name, c.relkind::text AS kind, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
           (SELECT count(*) FROM pg_policy p
             WHERE p.polrelid = c.oid AND (p.polroles @> ARRAY[(SELECT oid FROM pg_roles WHERE rolname = ${appRole})]
                                           OR p.polroles @> ARRAY[0::oid]))::int AS policies_for_app,
           (has_table_privilege(${appRole}, c.oid, 'SELECT') OR has_table_privilege(${appRole}, c.oid, 'INSERT')
             OR has_table_privilege(${appRole}, c.oid, 'UPDATE') OR has_table_privilege(${appRole}, c.oid, 'DELETE'))
             AS app_privileges,
           coalesce(c.reloptions::text[] && ARRAY['security_invoker=true', 'security_invoker=on', 'security_invoker=1'],
                    false) AS security_invoker
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    ORDER BY c.relname`.execute(db);

  for (const relation of relations) {
    if (relation.kind === "v") {
      if (!relation.security_invoker) problems.push(`view ${relation.name} lacks security_invoker`);
      continue;
    }
    if (relation.kind === "m" || relation.kind === "f") {
      if (relation.app_privileges)
        problems.push(`${relation.name} cannot have row-level security yet the app role may read it`);
      continue;
    }
    if (relation.name in TABLES_WITHOUT_RLS) {
      if (relation.app_privileges)
        problems.push(`${relation.name} has no row-level security yet the app role may use it`);
      continue;
    }
    if (!relation.rls) problems.push(`table ${relation.name} lacks row-level security`);
    if (!relation.forced) problems.push(`table ${relation.name} does not force row-level security`);
    if (relation.policies_for_app === 0 && !(relation.name in OWNER_ONLY_TABLES)) {
      problems.push(`table ${relation.name} has no policy for ${appRole}`);
    }
    if (relation.name in OWNER_ONLY_TABLES && relation.app_privileges) {
      problems.push(`${relation.name} is the owner's only, yet the app role may use it`);
    }
    const exempt =
      relation.name in PUBLIC_REFERENCE_TABLES || relation.name in KEYED_TABLES || relation.name in OWNER_ONLY_TABLES;
    if (!exempt && !tenantTables.includes(relation.name)) {
      problems.push(`table ${relation.name} is not covered by the isolation suite (test/tenants.ts)`);
    }
  }

  const { rows: roles } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
    SELECT r.rolsuper, r.rolbypassrls,
           (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::int AS owned
    FROM pg_roles r WHERE r.rolname = ${appRole}`.execute(db);
  const role = roles[0];
  if (!role) problems.push(`role ${appRole} is missing`);
  else {
    if (role.rolsuper) problems.push(`${appRole} is a superuser`);
    if (role.rolbypassrls) problems.push(`${appRole} has BYPASSRLS`);
    if (role.owned > 0) problems.push(`${appRole} owns ${role.owned} relation(s)`);
  }

  const { rows: rights } = await sql<{
    create_in_public: boolean;
    member_of: string[];
    definers: string[];
    definers_without_search_path: string[];
  }>`
    SELECT has_schema_privilege(${appRole}, 'public', 'CREATE') AS create_in_public,
           coalesce((SELECT array_agg(g.rolname::text ORDER BY g.rolname) FROM pg_auth_members m
                       JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
                      WHERE u.rolname = ${appRole}), '{}') AS member_of,
           coalesce((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
                       JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname = 'public' AND p.prosecdef), '{}') AS definers,
           coalesce((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
                       JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname = 'public' AND p.prosecdef
                        AND NOT coalesce(p.proconfig::text[] && ARRAY['search_path=pg_catalog, public'], false)),
                    '{}') AS definers_without_search_path`.execute(db);
  const { create_in_public, member_of, definers } = rights[0] ?? {
    create_in_public: false,
    member_of: [],
    definers: [],
  };
  if (create_in_public) problems.push(`${appRole} may create objects in schema public`);
  for (const group of member_of) problems.push(`${appRole} is a member of ${group}`);
  for (const definer of definers) {
    if (!(definer in SECURITY_DEFINER_FUNCTIONS)) problems.push(`function ${definer} is SECURITY DEFINER`);
  }
  return problems;
}
