import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import type { Database } from "./engine.ts";
import { migrateToLatest } from "./migrate.ts";

describe(`migrations (${testEngine})`, () => {
  let database: Database | undefined;
  afterEach(() => database?.close());

  it("apply on an empty database, then find nothing left to do", async () => {
    database = await createTestDatabase({ migrated: false });
    const applied = await migrateToLatest(database.owner);
    expect(applied).toEqual([
      "2026-11-27T1200_foundation",
      "2026-11-27T1400_sign_in",
      "2026-11-27T1600_outbox",
      "2026-11-27T1700_organisation_contacts",
      "2026-11-27T1800_audit",
      "2026-11-27T1900_invitations",
      "2026-11-27T2000_second_factor",
      "2026-11-27T2100_notification_preferences",
      "2026-11-27T2200_price_book",
      "2026-11-27T2300_catalogue",
      "2026-11-27T2400_offer_member_counts",
      "2026-11-27T2450_subscription_changes",
      "2026-11-27T2500_subscription_guards",
      "2026-11-27T2600_statements",
      "2026-11-27T2700_networks",
      "2026-11-27T2710_network_members",
      "2026-11-27T2730_meeting_waitlist_position",
      "2026-11-27T2800_statement_lines_index",
      "2026-11-27T2900_statement_lines_keys",
      "2026-11-27T2910_statement_numbers",
      "2026-11-27T2920_poll_answers_kept",
      "2026-11-27T2930_statement_lines_checked_per_insert",
      "2026-11-27T2940_statements_never_truncated",
      "2026-11-27T2950_statements_key_for_lines_dropped",
      "2026-11-27T2960_statement_lines_checked_per_key",
      "2026-11-27T2970_issue_writes_in_place",
      "2026-11-27T2980_statements_checked_per_insert",
      "2026-11-27T2990_statements_indexes_trimmed",
      "2026-11-27T3000_statement_checks_in_one_query",
      "2026-11-27T3010_pricings_frozen_when",
    ]);
    expect(await migrateToLatest(database.owner)).toEqual([]);

    const { rows } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'kysely_%'
      ORDER BY table_name`.execute(database.owner);
    expect(rows.map((row) => row.table_name)).toEqual([
      "audit_events",
      "calendar_feeds",
      "cooperatives",
      "cost_key_periods",
      "date_poll_answers",
      "date_poll_slots",
      "date_polls",
      "documents",
      "invitations",
      "login_tokens",
      "meeting_agenda_items",
      "meeting_attendance",
      "meeting_invitees",
      "meeting_minutes",
      "meetings",
      "memberships",
      "network_contacts",
      "network_files",
      "network_leads",
      "networks",
      "notification_digest_items",
      "notification_preferences",
      "offer_categories",
      "offers",
      "organisations",
      "outbox_emails",
      "outbox_pace",
      "password_credentials",
      "population_figures",
      "pricings",
      "recovery_codes",
      "rulebook_versions",
      "sessions",
      "statement_counters",
      "statement_lines",
      "statement_runs",
      "statements",
      "subscription_events",
      "subscriptions",
      "throttle_hits",
      "totp_credentials",
      "users",
    ]);
  });

  it("run on PostgreSQL 17", async () => {
    database = await createTestDatabase();
    const { rows } = await sql<{ server_version: string }>`SHOW server_version`.execute(database.owner);
    expect(rows[0]?.server_version).toMatch(/^17\./);
  });
});
