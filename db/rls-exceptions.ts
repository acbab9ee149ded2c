/**
 * The one list of tables that are not keyed on the request context, each with
 * its reason. The catalog test fails on any other table without forced
 * row-level security and policies.
 */

/** Readable by everyone, even without context; written only by their cooperative's operator admins. */
export const PUBLIC_REFERENCE_TABLES: Record<string, string> = {
  cooperatives: "public reference data: which cooperatives exist, their operator EPCI and SIREN",
  organisations: "public reference data: member bodies with SIREN / INSEE code, listed on every cooperative page",
  population_figures: "public reference data: INSEE legal populations, with year and source",
};

/**
 * Reachable only by presenting a row's secret key (a token's hash, a throttle
 * key) in the request's lookup, never by tenant: the isolation suite does not
 * attack them; test/keyed-tables covers them.
 */
export const KEYED_TABLES: Record<string, string> = {
  login_tokens: "emailed single-use links: a row is visible only to whoever presents its token's hash",
  throttle_hits: "attempt counters by hashed account or IP: visible only to whoever presents the key",
};

/** Worker state, no tenant data: only the owner (the outbox worker) reads or writes it. */
export const OWNER_ONLY_TABLES: Record<string, string> = {
  outbox_pace: "one row, the time of the last send, that outbox workers lock to keep to 2 sends per second",
};

/** No row-level security at all: the app role has no privilege on them. */
export const TABLES_WITHOUT_RLS: Record<string, string> = {
  kysely_migration: "migration bookkeeping, used by the owner only",
  kysely_migration_lock: "migration bookkeeping, used by the owner only",
};

/** SECURITY DEFINER functions, each with why it must see past row-level security. */
export const SECURITY_DEFINER_FUNCTIONS: Record<string, string> = {
  user_belongs_only_to:
    "whether all of a user's memberships are in one cooperative (so its admins may disable the account): must see memberships of every cooperative; answers a boolean only",
  offer_member_counts:
    "how many member organisations subscribe to each offer in a year, shown to the whole cooperative on the catalogue while subscriptions stay private to each organisation: answers counts only, for the caller's cooperative only",
  network_members:
    "the organisations in a network (active subscribers of its offer today), shown to the whole cooperative on the network's pages and needed by its leads while subscriptions stay private to each organisation: answers organisation ids only, for the caller's cooperative only",
  meeting_of_rsvp_token:
    "the meeting a guest's RSVP token opens (a guest has no cooperative context, and the invitees' policies ask whether the user manages the meeting, which reads meetings): answers one id, for the token presented",
  meeting_answer:
    "an invitee's answer, which must count and promote the meeting's other invitees (the waiting list) that the invitee cannot see: checks the invitation is the caller's (its user or its RSVP token), answers the outcome and whom it promoted (id and address, to tell them)",
  meeting_waitlist_position:
    "an invitee's place on a meeting's waiting list, which counts the other invitees waiting before it that the invitee cannot see: answers a number only, for the caller's own invitation (its user or its RSVP token) or a manager of the meeting",
  meeting_invitees_within_capacity:
    "a trigger refusing a yes beyond a meeting's capacity, whoever writes it: must count every invitee of the meeting where the invitee sees only its own row; answers by raising, reveals nothing",
};
