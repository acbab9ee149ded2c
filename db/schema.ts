import type { ColumnType, Generated, Insertable, Selectable } from "kysely";
import type { JsonbValue } from "./jsonb.ts";

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
  contact_email: string | null;
  contact_phone: string | null;
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

export interface PasswordCredentialsTable {
  user_id: string;
  hash: string;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the token in the cookie; the token itself is never stored. */
  id: string;
  user_id: string;
  active_membership_id: string | null;
  created_at: CreatedAt;
  last_used_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  user_agent: string | null;
  ip_address: string | null;
  second_factor_verified_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface TotpCredentialsTable {
  user_id: string;
  /** RFC 4648 base32 of the 20-byte shared key. */
  secret: string;
  /** The last 30-second step accepted: a code is never accepted twice. */
  last_used_step: ColumnType<number, number | undefined, number>;
  enrolled_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: CreatedAt;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type NotificationDelivery = "immediate" | "digest" | "none";

export interface NotificationPreferencesTable {
  user_id: string;
  kind: string;
  delivery: NotificationDelivery;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface NotificationDigestItemsTable {
  id: Generated<string>;
  cooperative_id: string;
  user_id: string;
  kind: string;
  title: string;
  body: ColumnType<string, string | undefined, string>;
  link: string | null;
  created_at: CreatedAt;
  digested_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type LoginTokenPurpose = "sign_in" | "password_reset";

export interface LoginTokensTable {
  token_hash: string;
  user_id: string;
  purpose: LoginTokenPurpose;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface ThrottleHitsTable {
  key_hash: string;
  window_start: ColumnType<Date, Date | string, Date | string>;
  hits: number;
}

export type OutboxStatus = "pending" | "sent" | "dead";

export interface OutboxEmailsTable {
  id: Generated<string>;
  cooperative_id: string | null;
  kind: string;
  to_address: string;
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: Generated<OutboxStatus>;
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  provider_id: string | null;
  last_error: string | null;
  /** JSON array of OutboxAttachment (an invitation's .ics), written with jsonb() (insertRows: the array itself). */
  attachments: ColumnType<OutboxAttachment[], JsonbValue | undefined, JsonbValue>;
}

/** A file sent with a mail, as Resend's API takes it: its content in base64. */
export interface OutboxAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export interface OutboxPaceTable {
  id: Generated<boolean>;
  last_send_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface AuditEventsTable {
  id: Generated<string>;
  cooperative_id: string | null;
  actor_user_id: string | null;
  action: string;
  subject: string | null;
  details: ColumnType<Record<string, unknown>, JsonbValue | undefined, never>;
  ip_address: string | null;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  id: Generated<string>;
  cooperative_id: string;
  organisation_id: string;
  email: string;
  display_name: string;
  role: MembershipRole;
  token_hash: string;
  invited_by: string | null;
  created_at: CreatedAt;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  accepted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type OfferKind =
  | "platform"
  | "purchasing_group"
  | "gis"
  | "training"
  | "thematic_network"
  | "shared_service"
  | "expertise"
  | "other";
export type OfferStatus = "draft" | "published" | "archived";

export interface OffersTable {
  id: Generated<string>;
  cooperative_id: string;
  title: string;
  kind: OfferKind;
  status: ColumnType<OfferStatus, OfferStatus | undefined, OfferStatus>;
  created_at: CreatedAt;
  category_id: string | null;
  summary: ColumnType<string, string | undefined, string>;
  description: ColumnType<string, string | undefined, string>;
  contact_name: string | null;
  contact_email: string | null;
  /** JSON array of organisation kinds that may join, written with jsonb(). */
  eligible_kinds: ColumnType<OrganisationKind[], JsonbValue | undefined, JsonbValue>;
  requires_council_decision: ColumnType<boolean, boolean | undefined, boolean>;
  requires_approval: ColumnType<boolean, boolean | undefined, boolean>;
  takes_effect: ColumnType<OfferTakesEffect, OfferTakesEffect | undefined, OfferTakesEffect>;
  notice_months: ColumnType<number, number | undefined, number>;
  /** JSON array of { key, label, description } (keys of the pricing's options), written with jsonb(). */
  options: ColumnType<OfferOption[], JsonbValue | undefined, JsonbValue>;
  /** search_key(title || ' ' || summary): accent- and case-insensitive search. */
  search_text: ColumnType<string, never, never>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** When an approved subscription (or a change to it) takes effect. */
export type OfferTakesEffect = "on_approval" | "next_january";

export interface OfferOption {
  key: string;
  label: string;
  description?: string;
}

export interface OfferCategoriesTable {
  id: Generated<string>;
  cooperative_id: string;
  name: string;
  position: ColumnType<number, number | undefined, number>;
}

export interface RulebookVersionsTable {
  id: Generated<string>;
  cooperative_id: string;
  offer_id: string;
  version: number;
  body: string;
  published_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DocumentsTable {
  id: Generated<string>;
  cooperative_id: string;
  organisation_id: string;
  filename: string;
  content_type: "application/pdf";
  size_bytes: number;
  content: Uint8Array;
  uploaded_by: string | null;
  created_at: CreatedAt;
}

export interface SubscriptionEventsTable {
  id: Generated<string>;
  cooperative_id: string;
  organisation_id: string;
  subscription_id: string;
  actor_user_id: string | null;
  action: string;
  details: ColumnType<Record<string, unknown>, JsonbValue | undefined, never>;
  created_at: CreatedAt;
}

export interface PricingsTable {
  id: Generated<string>;
  cooperative_id: string;
  offer_id: string;
  /** Inclusive, both required. */
  year_from: number;
  year_to: number;
  /** The allocation core's pricing document (pricingSchema), written with jsonb(). */
  definition: ColumnType<unknown, JsonbValue, JsonbValue>;
  frozen_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type SubscriptionStatus = "requested" | "active" | "rejected" | "withdrawn";

export interface SubscriptionsTable {
  id: Generated<string>;
  cooperative_id: string;
  organisation_id: string;
  offer_id: string;
  status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined, SubscriptionStatus>;
  /** Inclusive ISO dates; ends_on null: until further notice. A request has no start yet. */
  starts_on: string | null;
  ends_on: ColumnType<string | null, string | null | undefined, string | null>;
  /** JSON array of option keys, written with jsonb(). */
  option_keys: ColumnType<string[], JsonbValue | undefined, JsonbValue>;
  /** JSON object, unit key -> hundredths, written with jsonb(). */
  declared_units: ColumnType<Record<string, number>, JsonbValue | undefined, JsonbValue>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  requested_at: Date | null;
  requested_by: string | null;
  decided_at: Date | null;
  decided_by: string | null;
  rejection_reason: string | null;
  council_decision_number: string | null;
  /** ISO date. */
  council_decision_date: string | null;
  council_document_id: string | null;
  rulebook_version_id: string | null;
  notice_given_at: Date | null;
  /** The subscription this one replaces from its start (a change effective on 1 January). */
  replaces_id: string | null;
}

export interface CostKeyPeriodsTable {
  id: Generated<string>;
  cooperative_id: string;
  pricing_id: string;
  year: number;
  half: 1 | 2;
  direct_cents: number;
  indirect_cents: number;
  /** When the amounts were last entered (a correction moves it). */
  entered_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export type StatementRunStatus = "draft" | "issued";
export type StatementKind = "statement" | "rectifying";

export interface StatementRunsTable {
  id: Generated<string>;
  cooperative_id: string;
  year: number;
  /** Null: the whole year; 1 or 2: that half-year of the cost keys. */
  half: 1 | 2 | null;
  status: ColumnType<StatementRunStatus, StatementRunStatus | undefined, StatementRunStatus>;
  issued_at: Date | null;
  issued_by: string | null;
  amount_to_share_cents: number | null;
  gross_cents: number | null;
  subsidy_cents: number | null;
  net_cents: number | null;
  operator_cost_key_cents: number | null;
  proration_gap_cents: number | null;
  created_at: CreatedAt;
}

export interface StatementCountersTable {
  cooperative_id: string;
  year: number;
  last_sequence: ColumnType<number, number | undefined, number>;
}

/** Issued statements: inserted, never updated nor deleted (a trigger refuses). */
export interface StatementsTable {
  id: Generated<string>;
  cooperative_id: string;
  run_id: string;
  organisation_id: string;
  year: number;
  sequence: number;
  number: string;
  kind: StatementKind;
  corrects_id: string | null;
  /** ISO dates. */
  issued_on: string;
  due_on: string;
  budget_year: number;
  period: string;
  payer_name: string;
  payer_siren: string;
  /** JSON array of French sentences, written with jsonb() (insertRows: the array itself). */
  council_decisions: ColumnType<string[], JsonbValue | undefined, never>;
  gross_cents: number;
  subsidy_cents: number;
  net_cents: number;
  issued_by: string | null;
  created_at: CreatedAt;
}

export interface StatementLinesTable {
  cooperative_id: string;
  statement_id: string;
  organisation_id: string;
  position: number;
  offer_id: string;
  pricing_id: string;
  /** 'base', 'option:<key>', 'costKey:<year>:<half>'. */
  item_key: string;
  offer_title: string;
  item_label: string;
  model: string;
  gross_cents: number;
  subsidy_cents: number;
  net_cents: number;
  proration_gap_cents: ColumnType<number, number | undefined, never>;
  explanation: string;
}

export type MeetingStatus = "draft" | "scheduled" | "held" | "cancelled";
export type PollAnswer = "yes" | "if_needed" | "no";
export type InviteeSource = "contact" | "user" | "guest";
export type InviteeResponse = "pending" | "accepted" | "waitlisted" | "declined" | "cancelled";

export interface NetworksTable {
  id: Generated<string>;
  cooperative_id: string;
  offer_id: string;
  description: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
}

export interface NetworkLeadsTable {
  network_id: string;
  user_id: string;
  cooperative_id: string;
  granted_by: string | null;
  granted_at: CreatedAt;
}

export interface NetworkContactsTable {
  network_id: string;
  organisation_id: string;
  user_id: string;
  cooperative_id: string;
  added_at: CreatedAt;
}

export interface DatePollsTable {
  id: Generated<string>;
  cooperative_id: string;
  network_id: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  status: ColumnType<"open" | "closed", "open" | "closed" | undefined, "open" | "closed">;
  picked_slot_id: string | null;
  meeting_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  closed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DatePollSlotsTable {
  id: Generated<string>;
  cooperative_id: string;
  poll_id: string;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
}

export interface DatePollAnswersTable {
  slot_id: string;
  user_id: string;
  organisation_id: string;
  cooperative_id: string;
  answer: PollAnswer;
  answered_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MeetingsTable {
  id: Generated<string>;
  cooperative_id: string;
  network_id: string;
  title: string;
  description: ColumnType<string, string | undefined, string>;
  place: ColumnType<string, string | undefined, string>;
  visio_url: ColumnType<string, string | undefined, string>;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
  capacity: number | null;
  status: ColumnType<MeetingStatus, MeetingStatus | undefined, MeetingStatus>;
  /** Days before the meeting when reminders leave (e.g. [7, 1]); empty: none. */
  reminder_days: ColumnType<number[], number[] | undefined, number[]>;
  ics_uid: string;
  ics_sequence: ColumnType<number, number | undefined, number>;
  series_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface MeetingAgendaItemsTable {
  id: Generated<string>;
  cooperative_id: string;
  meeting_id: string;
  position: number;
  title: string;
  duration_minutes: number | null;
  presenter: ColumnType<string, string | undefined, string>;
}

export interface MeetingInviteesTable {
  id: Generated<string>;
  cooperative_id: string;
  meeting_id: string;
  user_id: string | null;
  organisation_id: string | null;
  guest_name: string | null;
  guest_email: string | null;
  source: InviteeSource;
  response: ColumnType<InviteeResponse, InviteeResponse | undefined, InviteeResponse>;
  responded_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  rsvp_token_hash: string;
  sent_sequence: number | null;
  reminded_days: ColumnType<number[], number[] | undefined, number[]>;
  invited_at: CreatedAt;
}

export interface MeetingAttendanceTable {
  id: Generated<string>;
  cooperative_id: string;
  meeting_id: string;
  invitee_id: string | null;
  person_name: string;
  organisation_id: string | null;
  recorded_by: string | null;
  recorded_at: CreatedAt;
}

export interface NetworkFilesTable {
  id: Generated<string>;
  cooperative_id: string;
  network_id: string;
  meeting_id: string | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  content: Uint8Array;
  uploaded_by: string | null;
  created_at: CreatedAt;
}

export interface MeetingMinutesTable {
  id: Generated<string>;
  cooperative_id: string;
  meeting_id: string;
  version: number;
  body: ColumnType<string, string | undefined, string>;
  decisions: ColumnType<string, string | undefined, string>;
  file_id: string | null;
  status: ColumnType<"draft" | "published", "draft" | "published" | undefined, "draft" | "published">;
  published_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  published_by: string | null;
  created_at: CreatedAt;
}

export interface CalendarFeedsTable {
  id: Generated<string>;
  cooperative_id: string;
  user_id: string;
  token_hash: string;
  created_at: CreatedAt;
  revoked_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface DB {
  cooperatives: CooperativesTable;
  organisations: OrganisationsTable;
  population_figures: PopulationFiguresTable;
  users: UsersTable;
  memberships: MembershipsTable;
  password_credentials: PasswordCredentialsTable;
  totp_credentials: TotpCredentialsTable;
  recovery_codes: RecoveryCodesTable;
  notification_preferences: NotificationPreferencesTable;
  notification_digest_items: NotificationDigestItemsTable;
  sessions: SessionsTable;
  login_tokens: LoginTokensTable;
  throttle_hits: ThrottleHitsTable;
  outbox_emails: OutboxEmailsTable;
  outbox_pace: OutboxPaceTable;
  audit_events: AuditEventsTable;
  invitations: InvitationsTable;
  offers: OffersTable;
  pricings: PricingsTable;
  subscriptions: SubscriptionsTable;
  cost_key_periods: CostKeyPeriodsTable;
  offer_categories: OfferCategoriesTable;
  rulebook_versions: RulebookVersionsTable;
  documents: DocumentsTable;
  subscription_events: SubscriptionEventsTable;
  statement_runs: StatementRunsTable;
  statement_counters: StatementCountersTable;
  statements: StatementsTable;
  statement_lines: StatementLinesTable;
  networks: NetworksTable;
  network_leads: NetworkLeadsTable;
  network_contacts: NetworkContactsTable;
  date_polls: DatePollsTable;
  date_poll_slots: DatePollSlotsTable;
  date_poll_answers: DatePollAnswersTable;
  meetings: MeetingsTable;
  meeting_agenda_items: MeetingAgendaItemsTable;
  meeting_invitees: MeetingInviteesTable;
  meeting_attendance: MeetingAttendanceTable;
  network_files: NetworkFilesTable;
  meeting_minutes: MeetingMinutesTable;
  calendar_feeds: CalendarFeedsTable;
}

export type Cooperative = Selectable<CooperativesTable>;
export type Organisation = Selectable<OrganisationsTable>;
export type NewOrganisation = Insertable<OrganisationsTable>;
export type PopulationFigure = Selectable<PopulationFiguresTable>;
export type User = Selectable<UsersTable>;
export type Membership = Selectable<MembershipsTable>;
