import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// For each offer, the number of member organisations subscribing in a year (issue 6,
// "subscribing members this year and last year"). An aggregate the whole cooperative
// reads on the catalogue, while subscriptions themselves are private to each
// organisation and the operator: hence SECURITY DEFINER (listed in
// db/rls-exceptions.ts), answering counts only, for the caller's cooperative only.

const statements = [
  `CREATE FUNCTION offer_member_counts(p_year integer)
     RETURNS TABLE (offer_id uuid, members integer)
     LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT s.offer_id, count(DISTINCT s.organisation_id)::integer
       FROM public.subscriptions s
       WHERE s.cooperative_id = public.app_cooperative_id()
         AND s.status = 'active'
         AND s.starts_on <= make_date(p_year, 12, 31)
         AND (s.ends_on IS NULL OR s.ends_on >= make_date(p_year, 1, 1))
       GROUP BY s.offer_id
     $$`,
  `REVOKE ALL ON FUNCTION offer_member_counts(integer) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION offer_member_counts(integer) TO coop_app`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP FUNCTION offer_member_counts(integer)").execute(db);
}
