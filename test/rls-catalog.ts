import { type Kysely, sql } from "kysely";
import { APP_ROLE } from "../db/request-context.ts";
import { PUBLIC_REFERENCE_TABLES, TABLES_WITHOUT_RLS } from "../db/rls-exceptions.ts";
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
export async function findIsolationProblems(db: Kysely<DB>, tenantTables: string[]): Promise<string[]> {
  const problems: string[] = [];
  const { rows: relations } = await sql<Relation>`
    SELECT c.relname AS name, c.relkind::text AS kind, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
           (SELECT count(*) FROM pg_policy p
             WHERE p.polrelid = c.oid AND (p.polroles @> ARRAY[(SELECT oid FROM pg_roles WHERE rolname = ${APP_ROLE})]
                                           OR p.polroles @> ARRAY[0::oid]))::int AS policies_for_app,
           (has_table_privilege(${APP_ROLE}, c.oid, 'SELECT') OR has_table_privilege(${APP_ROLE}, c.oid, 'INSERT')
             OR has_table_privilege(${APP_ROLE}, c.oid, 'UPDATE') OR has_table_privilege(${APP_ROLE}, c.oid, 'DELETE'))
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
    if (relation.policies_for_app === 0) problems.push(`table ${relation.name} has no policy for ${APP_ROLE}`);
    if (!(relation.name in PUBLIC_REFERENCE_TABLES) && !tenantTables.includes(relation.name)) {
      problems.push(`table ${relation.name} is not covered by the isolation suite (test/tenants.ts)`);
    }
  }

  const { rows: roles } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
    SELECT r.rolsuper, r.rolbypassrls,
           (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)::int AS owned
    FROM pg_roles r WHERE r.rolname = ${APP_ROLE}`.execute(db);
  const role = roles[0];
  if (!role) problems.push(`role ${APP_ROLE} is missing`);
  else {
    if (role.rolsuper) problems.push(`${APP_ROLE} is a superuser`);
    if (role.rolbypassrls) problems.push(`${APP_ROLE} has BYPASSRLS`);
    if (role.owned > 0) problems.push(`${APP_ROLE} owns ${role.owned} relation(s)`);
  }
  return problems;
}
