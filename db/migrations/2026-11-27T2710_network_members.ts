import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// A network's members are the organisations with an active subscription to its offer today (Paris date). The whole
// cooperative reads who is in a network (its page lists the members and their contacts; a lead who is not an operator
// admin must know whose contacts to add and whom a poll concerns), while subscriptions stay private to each
// organisation and the operator: hence SECURITY DEFINER (listed in db/rls-exceptions.ts), answering organisation ids
// only, of the caller's cooperative only.

const statements = [
  `CREATE FUNCTION network_members(p_network uuid)
     RETURNS TABLE (organisation_id uuid)
     LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT DISTINCT s.organisation_id
       FROM public.networks n
       JOIN public.subscriptions s ON s.offer_id = n.offer_id AND s.cooperative_id = n.cooperative_id
       WHERE n.id = p_network
         AND n.cooperative_id = public.app_cooperative_id()
         AND s.status = 'active'
         AND s.starts_on <= (now() AT TIME ZONE 'Europe/Paris')::date
         AND (s.ends_on IS NULL OR s.ends_on >= (now() AT TIME ZONE 'Europe/Paris')::date)
     $$`,
  `REVOKE ALL ON FUNCTION network_members(uuid) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION network_members(uuid) TO coop_app`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP FUNCTION network_members(uuid)").execute(db);
}
