import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Thematic networks and their meetings (issue 8). A network is one-to-one with
// an offer of kind thematic_network: its members are that offer's subscribers.
// Leads are users granted network_lead for one network; network contacts are
// users of a member organisation who receive the network's mail. Date polls
// become meetings; meetings have an agenda, invitees (network contacts, users
// of the cooperative, guests known by name and email, each with a secret RSVP
// token), attendance, minutes (versions; a published version never changes)
// and files. A personal calendar feed is reached by its secret token.
// See docs/decisions/018-networks.md.

const tables = [
  `CREATE TABLE networks (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     offer_id uuid NOT NULL UNIQUE,
     -- The mutual-help exchange and the network's own words; its name is the offer's title.
     description text NOT NULL DEFAULT '',
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (offer_id, cooperative_id) REFERENCES offers (id, cooperative_id)
   )`,
  // A network is made of a thematic network offer, nothing else (an offer out of sight is the policies' business).
  `CREATE FUNCTION networks_offer_is_thematic() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF EXISTS (SELECT 1 FROM offers WHERE id = NEW.offer_id AND kind <> 'thematic_network') THEN
         RAISE EXCEPTION 'a network is made of an offer of kind thematic_network' USING ERRCODE = 'check_violation';
       END IF;
       RETURN NEW;
     END $$`,
  `CREATE TRIGGER networks_thematic BEFORE INSERT OR UPDATE ON networks
     FOR EACH ROW EXECUTE FUNCTION networks_offer_is_thematic()`,

  `CREATE TABLE network_leads (
     network_id uuid NOT NULL,
     user_id uuid NOT NULL REFERENCES users (id),
     cooperative_id uuid NOT NULL,
     granted_by uuid REFERENCES users (id),
     granted_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (network_id, user_id),
     FOREIGN KEY (network_id, cooperative_id) REFERENCES networks (id, cooperative_id)
   )`,

  `CREATE TABLE network_contacts (
     network_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     user_id uuid NOT NULL REFERENCES users (id),
     cooperative_id uuid NOT NULL,
     added_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (network_id, organisation_id, user_id),
     FOREIGN KEY (network_id, cooperative_id) REFERENCES networks (id, cooperative_id),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE INDEX network_contacts_user ON network_contacts (user_id)`,

  `CREATE TABLE date_polls (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     network_id uuid NOT NULL,
     title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
     description text NOT NULL DEFAULT '',
     status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
     -- Set when the lead picks the final slot: the meeting it became.
     picked_slot_id uuid,
     meeting_id uuid,
     created_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     closed_at timestamptz,
     CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (network_id, cooperative_id) REFERENCES networks (id, cooperative_id)
   )`,
  `CREATE TABLE date_poll_slots (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     poll_id uuid NOT NULL,
     starts_at timestamptz NOT NULL,
     ends_at timestamptz NOT NULL,
     CHECK (ends_at > starts_at),
     UNIQUE (poll_id, starts_at, ends_at),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (poll_id, cooperative_id) REFERENCES date_polls (id, cooperative_id) ON DELETE CASCADE
   )`,
  // One answer per invitee and slot; the organisation is the one the invitee answers for (a network contact's).
  `CREATE TABLE date_poll_answers (
     slot_id uuid NOT NULL,
     user_id uuid NOT NULL REFERENCES users (id),
     organisation_id uuid NOT NULL,
     cooperative_id uuid NOT NULL,
     answer text NOT NULL CHECK (answer IN ('yes', 'if_needed', 'no')),
     answered_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (slot_id, user_id),
     FOREIGN KEY (slot_id, cooperative_id) REFERENCES date_poll_slots (id, cooperative_id) ON DELETE CASCADE,
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,

  `CREATE TABLE meetings (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     network_id uuid NOT NULL,
     title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
     description text NOT NULL DEFAULT '',
     place text NOT NULL DEFAULT '',
     visio_url text NOT NULL DEFAULT '' CHECK (visio_url = '' OR visio_url ~ '^https?://'),
     starts_at timestamptz NOT NULL,
     ends_at timestamptz NOT NULL,
     capacity integer CHECK (capacity > 0),
     status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'held', 'cancelled')),
     -- Reminders before the meeting, in days (e.g. {7,1}); empty: none.
     reminder_days smallint[] NOT NULL DEFAULT '{7,1}',
     -- iCalendar: one UID for the meeting's life, its SEQUENCE raised at each change sent.
     ics_uid text NOT NULL UNIQUE,
     ics_sequence integer NOT NULL DEFAULT 0 CHECK (ics_sequence >= 0),
     -- Meetings created together as a series share it.
     series_id uuid,
     created_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK (ends_at > starts_at),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (network_id, cooperative_id) REFERENCES networks (id, cooperative_id)
   )`,
  `CREATE INDEX meetings_network ON meetings (network_id, starts_at)`,
  `ALTER TABLE date_polls ADD FOREIGN KEY (meeting_id, cooperative_id) REFERENCES meetings (id, cooperative_id)`,
  `ALTER TABLE date_polls ADD FOREIGN KEY (picked_slot_id, cooperative_id)
     REFERENCES date_poll_slots (id, cooperative_id)`,

  `CREATE TABLE meeting_agenda_items (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     meeting_id uuid NOT NULL,
     position smallint NOT NULL CHECK (position > 0),
     title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
     duration_minutes smallint CHECK (duration_minutes > 0),
     presenter text NOT NULL DEFAULT '',
     UNIQUE (meeting_id, position) DEFERRABLE INITIALLY DEFERRED,
     FOREIGN KEY (meeting_id, cooperative_id) REFERENCES meetings (id, cooperative_id) ON DELETE CASCADE
   )`,

  // Invitees: a user of the cooperative (a network contact, a lead, anyone invited), or a guest known only by name
  // and email. response: what they answered; a "yes" beyond the capacity waits (waitlisted, first come first
  // served by responded_at) and is promoted when a place frees. The RSVP token (its hash) opens the invitee's own
  // answer page, until the meeting ends.
  `CREATE TABLE meeting_invitees (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     meeting_id uuid NOT NULL,
     user_id uuid REFERENCES users (id),
     organisation_id uuid,
     guest_name text,
     guest_email text,
     source text NOT NULL CHECK (source IN ('contact', 'user', 'guest')),
     response text NOT NULL DEFAULT 'pending'
       CHECK (response IN ('pending', 'accepted', 'waitlisted', 'declined', 'cancelled')),
     responded_at timestamptz,
     rsvp_token_hash text NOT NULL UNIQUE,
     -- The ics SEQUENCE last mailed to this invitee (NULL: not mailed yet).
     sent_sequence integer,
     -- The reminders already sent (days before), each once.
     reminded_days smallint[] NOT NULL DEFAULT '{}',
     invited_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((user_id IS NULL) = (source = 'guest')),
     CHECK (source <> 'guest' OR (length(guest_name) > 0 AND guest_email ~ '^[^@\\s]+@[^@\\s]+$')),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (meeting_id, cooperative_id) REFERENCES meetings (id, cooperative_id) ON DELETE CASCADE,
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE UNIQUE INDEX meeting_invitees_one_per_user ON meeting_invitees (meeting_id, user_id) WHERE user_id IS NOT NULL`,
  `CREATE UNIQUE INDEX meeting_invitees_one_per_guest ON meeting_invitees (meeting_id, lower(guest_email))
     WHERE guest_email IS NOT NULL`,
  `CREATE INDEX meeting_invitees_user ON meeting_invitees (user_id)`,

  // Who came: an invitee, or a walk-in known by name (and organisation, when from a member).
  `CREATE TABLE meeting_attendance (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     meeting_id uuid NOT NULL,
     invitee_id uuid,
     person_name text NOT NULL CHECK (length(person_name) BETWEEN 1 AND 200),
     organisation_id uuid,
     recorded_by uuid REFERENCES users (id),
     recorded_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (meeting_id, invitee_id),
     FOREIGN KEY (meeting_id, cooperative_id) REFERENCES meetings (id, cooperative_id) ON DELETE CASCADE,
     FOREIGN KEY (invitee_id, cooperative_id) REFERENCES meeting_invitees (id, cooperative_id) ON DELETE CASCADE,
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE INDEX meeting_attendance_organisation ON meeting_attendance (organisation_id)`,

  // Files of a network: a meeting's documents, a minutes' attachment.
  `CREATE TABLE network_files (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     network_id uuid NOT NULL,
     meeting_id uuid,
     filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
     content_type text NOT NULL,
     size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
     content bytea NOT NULL,
     uploaded_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (network_id, cooperative_id) REFERENCES networks (id, cooperative_id),
     FOREIGN KEY (meeting_id, cooperative_id) REFERENCES meetings (id, cooperative_id)
   )`,

  // Minutes: versions of a meeting's minutes. A draft is edited; a published version never changes (a correction
  // is a new version, the previous one stays readable as such).
  `CREATE TABLE meeting_minutes (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     meeting_id uuid NOT NULL,
     version smallint NOT NULL CHECK (version > 0),
     body text NOT NULL DEFAULT '',
     decisions text NOT NULL DEFAULT '',
     file_id uuid,
     status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
     published_at timestamptz,
     published_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((status = 'published') = (published_at IS NOT NULL)),
     UNIQUE (meeting_id, version),
     FOREIGN KEY (meeting_id, cooperative_id) REFERENCES meetings (id, cooperative_id),
     FOREIGN KEY (file_id, cooperative_id) REFERENCES network_files (id, cooperative_id)
   )`,
  // One draft at most per meeting.
  `CREATE UNIQUE INDEX meeting_minutes_one_draft ON meeting_minutes (meeting_id) WHERE status = 'draft'`,
  `CREATE FUNCTION meeting_minutes_published_are_immutable() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF OLD.status = 'published' THEN
         RAISE EXCEPTION 'published minutes never change: write a new version' USING ERRCODE = 'insufficient_privilege';
       END IF;
       RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
     END $$`,
  `CREATE TRIGGER meeting_minutes_immutable BEFORE UPDATE OR DELETE ON meeting_minutes
     FOR EACH ROW EXECUTE FUNCTION meeting_minutes_published_are_immutable()`,

  // A personal calendar feed of one's meetings in a cooperative, reached by its secret token (its hash stored).
  `CREATE TABLE calendar_feeds (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     user_id uuid NOT NULL REFERENCES users (id),
     token_hash text NOT NULL UNIQUE,
     created_at timestamptz NOT NULL DEFAULT now(),
     revoked_at timestamptz
   )`,
  `CREATE UNIQUE INDEX calendar_feeds_one_active ON calendar_feeds (cooperative_id, user_id) WHERE revoked_at IS NULL`,

  // The invitation's .ics travels with the mail.
  `ALTER TABLE outbox_emails ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]'
     CHECK (jsonb_typeof(attachments) = 'array')`,
];

// Whether the asking user manages a network: an operator admin of its cooperative, or one of its leads.
const functions = [
  // The meeting an RSVP token opens (a guest has no cooperative context): must read the invitees past their
  // policies, which themselves ask whether the user manages the meeting; answers one id, for the token presented.
  `CREATE FUNCTION meeting_of_rsvp_token() RETURNS uuid
     LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT meeting_id FROM meeting_invitees WHERE app_token_hash() <> '' AND rsvp_token_hash = app_token_hash()
     $$`,
  `REVOKE ALL ON FUNCTION meeting_of_rsvp_token() FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION meeting_of_rsvp_token() TO coop_app`,
  // A "yes" never goes past the meeting's capacity, whoever writes it (the app puts the surplus on the waiting
  // list): must count every invitee of the meeting, where the invitee itself sees only its own row.
  `CREATE FUNCTION meeting_invitees_within_capacity() RETURNS trigger
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
     DECLARE
       limit_ integer;
       taken integer;
     BEGIN
       IF NEW.response <> 'accepted' OR (TG_OP = 'UPDATE' AND OLD.response = 'accepted') THEN
         RETURN NEW;
       END IF;
       SELECT capacity INTO limit_ FROM meetings WHERE id = NEW.meeting_id;
       IF limit_ IS NULL THEN
         RETURN NEW;
       END IF;
       SELECT count(*) INTO taken FROM meeting_invitees
        WHERE meeting_id = NEW.meeting_id AND response = 'accepted' AND id <> NEW.id;
       IF taken >= limit_ THEN
         RAISE EXCEPTION 'meeting % is full (% places)', NEW.meeting_id, limit_ USING ERRCODE = 'check_violation';
       END IF;
       RETURN NEW;
     END $$`,
  `CREATE TRIGGER meeting_invitees_capacity BEFORE INSERT OR UPDATE OF response ON meeting_invitees
     FOR EACH ROW EXECUTE FUNCTION meeting_invitees_within_capacity()`,
  // An invitee answers (by its user or its RSVP token): yes (or the waiting list when full), no, or cancels; a place
  // freed promotes the first of the waiting list. Must count and promote invitees the answering person cannot see;
  // checks itself that the invitation is the caller's, locks the meeting (answers to one meeting run one after the
  // other), and answers the outcome and whom it promoted (so the app can tell them).
  `CREATE FUNCTION meeting_answer(p_invitee uuid, p_response text)
     RETURNS TABLE (outcome text, promoted_invitee uuid, promoted_email text)
     LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
     DECLARE
       v_invitee meeting_invitees%ROWTYPE;
       v_meeting meetings%ROWTYPE;
       v_taken integer;
       v_final text := p_response;
       v_promoted uuid;
       v_email text;
     BEGIN
       IF p_response NOT IN ('accepted', 'declined', 'cancelled') THEN
         RAISE EXCEPTION 'unknown answer %', p_response USING ERRCODE = 'invalid_parameter_value';
       END IF;
       SELECT * INTO v_invitee FROM meeting_invitees WHERE id = p_invitee;
       -- coalesce: the settings are NULL when unset, and NOT NULL would let anyone through.
       IF NOT FOUND OR NOT coalesce(
            (v_invitee.user_id = app_user_id() AND v_invitee.cooperative_id = app_cooperative_id())
            OR v_invitee.rsvp_token_hash = app_token_hash(), false) THEN
         RAISE EXCEPTION 'not an invitation of the caller' USING ERRCODE = 'insufficient_privilege';
       END IF;
       SELECT * INTO v_meeting FROM meetings WHERE id = v_invitee.meeting_id FOR UPDATE;
       IF v_meeting.status <> 'scheduled' OR v_meeting.ends_at <= now() THEN
         RAISE EXCEPTION 'meeting % takes no answers (%)', v_meeting.id, v_meeting.status
           USING ERRCODE = 'object_not_in_prerequisite_state';
       END IF;
       IF p_response = 'accepted' THEN
         IF v_invitee.response = 'accepted' THEN
           RETURN QUERY SELECT 'accepted'::text, NULL::uuid, NULL::text;
           RETURN;
         END IF;
         SELECT count(*) INTO v_taken FROM meeting_invitees
          WHERE meeting_id = v_meeting.id AND response = 'accepted';
         IF v_meeting.capacity IS NOT NULL AND v_taken >= v_meeting.capacity THEN
           v_final := 'waitlisted';
         END IF;
       END IF;
       UPDATE meeting_invitees
          SET response = v_final,
              -- The waiting list is first come, first served: asking again keeps one's place.
              responded_at = CASE WHEN v_final = 'waitlisted' AND v_invitee.response = 'waitlisted'
                                  THEN responded_at ELSE now() END
        WHERE id = p_invitee;
       IF v_invitee.response = 'accepted' AND v_final <> 'accepted' AND v_meeting.capacity IS NOT NULL THEN
         SELECT id INTO v_promoted FROM meeting_invitees
          WHERE meeting_id = v_meeting.id AND response = 'waitlisted'
          ORDER BY responded_at, id LIMIT 1;
         IF v_promoted IS NOT NULL THEN
           UPDATE meeting_invitees SET response = 'accepted', responded_at = now() WHERE id = v_promoted;
           SELECT coalesce(i.guest_email, u.email) INTO v_email
             FROM meeting_invitees i LEFT JOIN users u ON u.id = i.user_id WHERE i.id = v_promoted;
         END IF;
       END IF;
       RETURN QUERY SELECT v_final, v_promoted, v_email;
     END $$`,
  `REVOKE ALL ON FUNCTION meeting_answer(uuid, text) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION meeting_answer(uuid, text) TO coop_app`,
  `CREATE FUNCTION app_manages_network(p_network uuid) RETURNS boolean
     LANGUAGE sql STABLE AS $$
       SELECT app_role() = 'operator_admin'
              OR EXISTS (SELECT 1 FROM network_leads l WHERE l.network_id = p_network AND l.user_id = app_user_id())
     $$`,
  `CREATE FUNCTION app_manages_meeting(p_meeting uuid) RETURNS boolean
     LANGUAGE sql STABLE AS $$
       SELECT EXISTS (SELECT 1 FROM meetings m WHERE m.id = p_meeting AND app_manages_network(m.network_id))
     $$`,
];

const inCooperative = "cooperative_id = app_cooperative_id()";
const rowLevelSecurity = [
  ...[
    "networks",
    "network_leads",
    "network_contacts",
    "date_polls",
    "date_poll_slots",
    "date_poll_answers",
    "meetings",
    "meeting_agenda_items",
    "meeting_invitees",
    "meeting_attendance",
    "network_files",
    "meeting_minutes",
    "calendar_feeds",
  ].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),

  // Networks and their leads: shared in the cooperative; the operator's admins create them and grant leads.
  `GRANT SELECT, INSERT, UPDATE ON networks TO coop_app`,
  `GRANT SELECT, INSERT, DELETE ON network_leads TO coop_app`,
  ...["networks", "network_leads"].flatMap((table) => [
    `CREATE POLICY members_read ON ${table} FOR SELECT TO coop_app USING (${inCooperative})`,
    `CREATE POLICY operator_admins_write ON ${table} FOR ALL TO coop_app
       USING (${inCooperative} AND app_role() = 'operator_admin')
       WITH CHECK (${inCooperative} AND app_role() = 'operator_admin')`,
  ]),
  `CREATE POLICY leads_are_members ON network_leads AS RESTRICTIVE FOR INSERT TO coop_app
     WITH CHECK (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = network_leads.user_id
                         AND m.cooperative_id = network_leads.cooperative_id))`,
  `CREATE POLICY leads_update ON networks FOR UPDATE TO coop_app
     USING (${inCooperative} AND app_manages_network(id)) WITH CHECK (${inCooperative} AND app_manages_network(id))`,

  // Contacts: shared in the cooperative; managed by the network's managers and by a referent for its own
  // organisation. A contact is a referent or an agent of that organisation.
  `GRANT SELECT, INSERT, DELETE ON network_contacts TO coop_app`,
  `CREATE POLICY members_read ON network_contacts FOR SELECT TO coop_app USING (${inCooperative})`,
  `CREATE POLICY managers_write ON network_contacts FOR ALL TO coop_app
     USING (${inCooperative} AND (app_manages_network(network_id)
            OR (app_role() = 'referent' AND organisation_id = app_organisation_id())))
     WITH CHECK (${inCooperative} AND (app_manages_network(network_id)
            OR (app_role() = 'referent' AND organisation_id = app_organisation_id()))
            AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = network_contacts.user_id
                        AND m.organisation_id = network_contacts.organisation_id AND m.role IN ('referent', 'agent')))`,

  // Polls and slots: shared in the cooperative, written by the network's managers.
  `GRANT SELECT, INSERT, UPDATE, DELETE ON date_polls TO coop_app`,
  `GRANT SELECT, INSERT, DELETE ON date_poll_slots TO coop_app`,
  `CREATE POLICY members_read ON date_polls FOR SELECT TO coop_app USING (${inCooperative})`,
  `CREATE POLICY managers_write ON date_polls FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_network(network_id))
     WITH CHECK (${inCooperative} AND app_manages_network(network_id))`,
  `CREATE POLICY members_read ON date_poll_slots FOR SELECT TO coop_app USING (${inCooperative})`,
  `CREATE POLICY managers_write ON date_poll_slots FOR ALL TO coop_app
     USING (${inCooperative} AND EXISTS (SELECT 1 FROM date_polls p WHERE p.id = poll_id
                                          AND app_manages_network(p.network_id)))
     WITH CHECK (${inCooperative} AND EXISTS (SELECT 1 FROM date_polls p WHERE p.id = poll_id
                                               AND app_manages_network(p.network_id)))`,
  // Answers: read in the cooperative (the tally, as on any poll); each invitee writes its own while the poll is open,
  // for an organisation it is a network contact of.
  `GRANT SELECT, INSERT, UPDATE, DELETE ON date_poll_answers TO coop_app`,
  `CREATE POLICY members_read ON date_poll_answers FOR SELECT TO coop_app USING (${inCooperative})`,
  `CREATE POLICY own_answers ON date_poll_answers FOR ALL TO coop_app
     USING (${inCooperative} AND user_id = app_user_id())
     WITH CHECK (${inCooperative} AND user_id = app_user_id() AND EXISTS (
       SELECT 1 FROM date_poll_slots s JOIN date_polls p ON p.id = s.poll_id
         JOIN network_contacts c ON c.network_id = p.network_id
        WHERE s.id = slot_id AND p.status = 'open'
          AND c.user_id = app_user_id() AND c.organisation_id = date_poll_answers.organisation_id))`,

  // Meetings and their agenda: read in the cooperative once out of draft; written by the network's managers.
  `GRANT SELECT, INSERT, UPDATE ON meetings TO coop_app`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON meeting_agenda_items TO coop_app`,
  `CREATE POLICY members_read ON meetings FOR SELECT TO coop_app
     USING (${inCooperative} AND (status <> 'draft' OR app_manages_network(network_id)))`,
  `CREATE POLICY managers_write ON meetings FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_network(network_id))
     WITH CHECK (${inCooperative} AND app_manages_network(network_id))`,
  // A guest holding an RSVP token reads the meeting it is invited to, and nothing else.
  `CREATE POLICY invitation_token_reads ON meetings FOR SELECT TO coop_app
     USING (id = meeting_of_rsvp_token())`,
  `CREATE POLICY members_read ON meeting_agenda_items FOR SELECT TO coop_app
     USING (${inCooperative} AND EXISTS (SELECT 1 FROM meetings m WHERE m.id = meeting_id))`,
  `CREATE POLICY managers_write ON meeting_agenda_items FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_meeting(meeting_id))
     WITH CHECK (${inCooperative} AND app_manages_meeting(meeting_id))`,

  // Invitees hold personal data (guests' addresses): the network's managers, the invitee itself (by its user, or by
  // its RSVP token), and a referent for its own organisation's people.
  // Who is invited, by whom, stays as written: only the answer and the mailing bookkeeping change.
  `GRANT SELECT, INSERT, DELETE ON meeting_invitees TO coop_app`,
  `GRANT UPDATE (response, responded_at, rsvp_token_hash, sent_sequence, reminded_days) ON meeting_invitees TO coop_app`,
  // An invited user belongs to the meeting's cooperative.
  `CREATE POLICY managers_all ON meeting_invitees FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_meeting(meeting_id))
     WITH CHECK (${inCooperative} AND app_manages_meeting(meeting_id) AND (user_id IS NULL OR EXISTS (
       SELECT 1 FROM memberships m WHERE m.user_id = meeting_invitees.user_id
          AND m.cooperative_id = meeting_invitees.cooperative_id)))`,
  `CREATE POLICY own_invitation ON meeting_invitees FOR SELECT TO coop_app
     USING (${inCooperative} AND user_id = app_user_id())`,
  `CREATE POLICY own_invitation_answer ON meeting_invitees FOR UPDATE TO coop_app
     USING (${inCooperative} AND user_id = app_user_id()) WITH CHECK (${inCooperative} AND user_id = app_user_id())`,
  `CREATE POLICY referent_reads_own_people ON meeting_invitees FOR SELECT TO coop_app
     USING (${inCooperative} AND app_role() = 'referent' AND organisation_id = app_organisation_id())`,
  `CREATE POLICY by_rsvp_token ON meeting_invitees FOR SELECT TO coop_app
     USING (app_token_hash() <> '' AND rsvp_token_hash = app_token_hash())`,
  `CREATE POLICY by_rsvp_token_answer ON meeting_invitees FOR UPDATE TO coop_app
     USING (app_token_hash() <> '' AND rsvp_token_hash = app_token_hash())
     WITH CHECK (app_token_hash() <> '' AND rsvp_token_hash = app_token_hash())`,

  // Attendance: read in the cooperative (the indicators count it), written by the network's managers.
  `GRANT SELECT, INSERT, UPDATE, DELETE ON meeting_attendance TO coop_app`,
  `CREATE POLICY members_read ON meeting_attendance FOR SELECT TO coop_app USING (${inCooperative})`,
  `CREATE POLICY managers_write ON meeting_attendance FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_meeting(meeting_id))
     WITH CHECK (${inCooperative} AND app_manages_meeting(meeting_id))`,

  // Files and minutes: read in the cooperative (minutes once published), written by the network's managers.
  // Files are kept (minutes refer to them): no DELETE.
  `GRANT SELECT, INSERT ON network_files TO coop_app`,
  `CREATE POLICY members_read ON network_files FOR SELECT TO coop_app USING (${inCooperative})`,
  `CREATE POLICY managers_write ON network_files FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_network(network_id))
     WITH CHECK (${inCooperative} AND app_manages_network(network_id))`,
  `GRANT SELECT, INSERT, UPDATE, DELETE ON meeting_minutes TO coop_app`,
  `CREATE POLICY members_read ON meeting_minutes FOR SELECT TO coop_app
     USING (${inCooperative} AND (status = 'published' OR app_manages_meeting(meeting_id)))`,
  `CREATE POLICY managers_write ON meeting_minutes FOR ALL TO coop_app
     USING (${inCooperative} AND app_manages_meeting(meeting_id))
     WITH CHECK (${inCooperative} AND app_manages_meeting(meeting_id))`,

  // Calendar feeds: each user its own; the feed's token reads its row (and so whose meetings to list).
  `GRANT SELECT, INSERT, UPDATE ON calendar_feeds TO coop_app`,
  `CREATE POLICY own_feeds ON calendar_feeds FOR ALL TO coop_app
     USING (${inCooperative} AND user_id = app_user_id())
     WITH CHECK (${inCooperative} AND user_id = app_user_id())`,
  `CREATE POLICY by_feed_token ON calendar_feeds FOR SELECT TO coop_app
     USING (app_token_hash() <> '' AND token_hash = app_token_hash() AND revoked_at IS NULL)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...tables, ...functions, ...rowLevelSecurity]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("ALTER TABLE outbox_emails DROP COLUMN attachments").execute(db);
  await sql.raw("ALTER TABLE date_polls DROP COLUMN meeting_id, DROP COLUMN picked_slot_id").execute(db);
  for (const table of [
    "calendar_feeds",
    "meeting_minutes",
    "network_files",
    "meeting_attendance",
    "meeting_invitees",
    "meeting_agenda_items",
    "meetings",
    "date_poll_answers",
    "date_poll_slots",
    "date_polls",
    "network_contacts",
    "network_leads",
    "networks",
  ]) {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
  }
  await sql.raw("DROP FUNCTION meeting_of_rsvp_token()").execute(db);
  await sql.raw("DROP FUNCTION meeting_answer(uuid, text)").execute(db);
  for (const fn of [
    "meeting_invitees_within_capacity()",
    "app_manages_meeting(uuid)",
    "app_manages_network(uuid)",
    "meeting_minutes_published_are_immutable()",
    "networks_offer_is_thematic()",
  ]) {
    await sql.raw(`DROP FUNCTION ${fn}`).execute(db);
  }
}
