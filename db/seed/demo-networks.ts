import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { parisToUtc } from "../../app/domain/paris-time.ts";
import { jsonb } from "../jsonb.ts";
import type { DB } from "../schema.ts";

// Montpellier's thematic networks for the demo: RH, juridique and achats (the report's actions where they exist),
// their leads and contacts, the RH network's five meetings of 2017 with attendance as the report counts it (18
// distinct communes present over the year, 12 on average per meeting: 60 presences) and their published minutes,
// a date poll in progress and an upcoming meeting; a meeting or two for the other networks. Inserted as the owner,
// no mail. Runs after the catalogue seed. Idempotent: fixed ids, and the poll and the upcoming meeting are made
// again only once they are past.

const MONTPELLIER_EPCI = "243400017";
const RH_LEAD_EMAIL = "animatrice.rh@example.org";
const PLACE = "Hôtel de Métropole, 50 place Zeus, Montpellier — salle Pic Saint-Loup";

/** A fixed UUID for a demo row, the same on every start. */
function demoId(name: string): string {
  const hex = createHash("sha256").update(`demo-networks:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
const tokenHash = (name: string) => createHash("sha256").update(`demo-networks:token:${name}`).digest("hex");

function paris(date: string, time: string): Date {
  const result = parisToUtc(date, time);
  if (!result.ok) throw new Error(result.message);
  return result.instant;
}

/** The day `days` after today (Paris), at 00:00 UTC, for date arithmetic. */
function dayAfter(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The first Thursday on or after a day. */
function thursdayFrom(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + ((4 - date.getUTCDay() + 7) % 7));
  return date.toISOString().slice(0, 10);
}

const NETWORKS = {
  rh: {
    title: "Réseau thématique RH",
    description:
      "Le réseau des référents RH des communes, constitué en 2016 : formations en union avec le CNFPT, échanges de pratiques, CV-thèque partagée et entraide par courriel entre les réunions.",
  },
  juridique: {
    title: "Réseau thématique affaires juridiques",
    description:
      "Veille juridique partagée, modèles d'actes et retours d'expérience des services juridiques des communes.",
  },
  achats: {
    title: "Réseau thématique achats",
    description:
      "Les acheteurs des communes préparent ensemble les groupements de commandes et partagent leurs pratiques de la commande publique.",
  },
} as const;
type NetworkKey = keyof typeof NETWORKS;

/** The 2017 meetings of the RH network (report: five, 18 communes present, 12 per meeting on average). */
const RH_MEETINGS_2017 = [
  { date: "2017-02-09", title: "Programme des formations en union 2017", items: ["Quota CNFPT 2017", "Tour de table"] },
  {
    date: "2017-04-06",
    title: "Prévention des risques professionnels",
    items: ["Sensibilisation des managers", "Documents uniques"],
  },
  { date: "2017-06-22", title: "CV-thèque partagée", items: ["Maquette de la DSI", "Règles de partage"] },
  {
    date: "2017-09-28",
    title: "Entretien professionnel et contractuels",
    items: ["Contractuels de droit public", "Campagne d'entretiens"],
  },
  {
    date: "2017-11-23",
    title: "Bilan 2017 et perspectives 2018",
    items: ["Bilan des formations en union", "Formations bureautiques 2018"],
  },
];

/** The communes present: eight at every meeting (the report's "chefs de file" first), ten others twice each. */
const RH_CORE = ["Montpellier", "Lattes", "Castelnau-le-Lez", "Le Crès", "Vendargues", "Prades-le-Lez", "Baillargues"];

const FIRST_NAMES = ["Nathalie", "Olivier", "Isabelle", "Thierry", "Sandrine", "Laurent", "Valérie", "Stéphane"];
const LAST_NAMES = ["Bonnet", "Roussel", "Vidal", "Fournier", "Blanc", "Guerin", "Mercier", "Chevalier", "Robert"];
const personOf = (index: number) =>
  `${FIRST_NAMES[index % FIRST_NAMES.length]} ${LAST_NAMES[(index * 5) % LAST_NAMES.length]}`;

interface Commune {
  id: string;
  name: string;
  siren: string;
}

async function ensureNetwork(
  trx: Transaction<DB>,
  cooperativeId: string,
  key: NetworkKey,
  communes: Commune[],
  startsOn: string,
): Promise<{ id: string; offerId: string; members: Commune[] }> {
  const { title, description } = NETWORKS[key];
  let offer = await trx
    .selectFrom("offers")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .where("title", "=", title)
    .executeTakeFirst();
  if (!offer) {
    // Not among the report's actions: a network offer of its own, joined freely.
    offer = { id: demoId(`offer:${key}`) };
    const category = await trx
      .selectFrom("offer_categories")
      .select("id")
      .where("cooperative_id", "=", cooperativeId)
      .where("name", "=", "Fonctions ressources")
      .executeTakeFirst();
    await trx
      .insertInto("offers")
      .values({
        id: offer.id,
        cooperative_id: cooperativeId,
        title,
        kind: "thematic_network",
        status: "published",
        category_id: category?.id ?? null,
        summary: description,
        contact_name: "Mission coopérative de services",
        contact_email: "cooperative@montpellier3m.example.org",
        eligible_kinds: jsonb(["commune", "ccas"]),
        requires_council_decision: false,
        requires_approval: false,
        takes_effect: "on_approval",
        notice_months: 0,
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
    await trx
      .insertInto("subscriptions")
      .values(
        communes.map((commune) => ({
          id: demoId(`subscription:${key}:${commune.siren}`),
          cooperative_id: cooperativeId,
          organisation_id: commune.id,
          offer_id: offer?.id as string,
          status: "active" as const,
          starts_on: startsOn,
        })),
      )
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  }
  await trx.updateTable("offers").set({ kind: "thematic_network" }).where("id", "=", offer.id).execute();
  await trx
    .insertInto("networks")
    .values({ id: demoId(`network:${key}`), cooperative_id: cooperativeId, offer_id: offer.id, description })
    .onConflict((conflict) => conflict.column("offer_id").doNothing())
    .execute();
  const network = await trx
    .selectFrom("networks")
    .select("id")
    .where("offer_id", "=", offer.id)
    .executeTakeFirstOrThrow();
  const members = await trx
    .selectFrom("subscriptions as s")
    .innerJoin("organisations as o", "o.id", "s.organisation_id")
    .select(["o.id", "o.name", "o.siren"])
    .where("s.offer_id", "=", offer.id)
    .where("s.status", "=", "active")
    .where("o.kind", "=", "commune")
    .orderBy("o.name")
    .execute();
  return { id: network.id, offerId: offer.id, members };
}

interface Contact {
  userId: string;
  organisationId: string;
  name: string;
}

interface DemoMeeting {
  key: string;
  networkId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  status: "scheduled" | "held";
  agenda: string[];
  createdBy: string | null;
}

async function insertMeeting(trx: Transaction<DB>, cooperativeId: string, meeting: DemoMeeting): Promise<string> {
  const id = demoId(`meeting:${meeting.key}`);
  await trx
    .insertInto("meetings")
    .values({
      id,
      cooperative_id: cooperativeId,
      network_id: meeting.networkId,
      title: meeting.title,
      place: PLACE,
      starts_at: meeting.startsAt,
      ends_at: meeting.endsAt,
      status: meeting.status,
      ics_uid: `${id}@montpellier3m.example.org`,
      created_by: meeting.createdBy,
      created_at: new Date(meeting.startsAt.getTime() - 30 * 86_400_000),
    })
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
  await trx
    .insertInto("meeting_agenda_items")
    .values(
      meeting.agenda.map((title, index) => ({
        id: demoId(`agenda:${meeting.key}:${index}`),
        cooperative_id: cooperativeId,
        meeting_id: id,
        position: index + 1,
        title,
        duration_minutes: 45,
      })),
    )
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
  return id;
}

/** The network's contacts (users), invited to a meeting as contacts of their organisation; returns invitee ids. */
async function inviteContacts(
  trx: Transaction<DB>,
  cooperativeId: string,
  meetingKey: string,
  meetingId: string,
  contacts: Contact[],
  response: "pending" | "accepted",
): Promise<Map<string, { id: string; name: string }>> {
  const invitees = new Map<string, { id: string; name: string }>();
  for (const contact of contacts) {
    const id = demoId(`invitee:${meetingKey}:${contact.userId}`);
    invitees.set(contact.organisationId, { id, name: contact.name });
    await trx
      .insertInto("meeting_invitees")
      .values({
        id,
        cooperative_id: cooperativeId,
        meeting_id: meetingId,
        user_id: contact.userId,
        organisation_id: contact.organisationId,
        source: "contact",
        response,
        responded_at: response === "pending" ? null : new Date(),
        rsvp_token_hash: tokenHash(`${meetingKey}:${contact.userId}`),
        // Mailed already, as far as the demo goes: nothing leaves at start-up.
        sent_sequence: 0,
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  }
  return invitees;
}

/** Attendance of a held meeting: one person per commune (a contact's invitation when it has one). */
async function recordPresent(
  trx: Transaction<DB>,
  cooperativeId: string,
  meetingKey: string,
  meetingId: string,
  present: Commune[],
  invitees: Map<string, { id: string; name: string }>,
  recordedBy: string | null,
) {
  await trx
    .insertInto("meeting_attendance")
    .values(
      present.map((commune, index) => ({
        id: demoId(`attendance:${meetingKey}:${commune.siren}`),
        cooperative_id: cooperativeId,
        meeting_id: meetingId,
        invitee_id: invitees.get(commune.id)?.id ?? null,
        person_name: invitees.get(commune.id)?.name ?? personOf(index),
        organisation_id: commune.id,
        recorded_by: recordedBy,
      })),
    )
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
}

async function publishMinutes(
  trx: Transaction<DB>,
  cooperativeId: string,
  meetingKey: string,
  meetingId: string,
  startsAt: Date,
  versions: { body: string; decisions: string }[],
  publishedBy: string | null,
) {
  for (const [index, version] of versions.entries()) {
    await trx
      .insertInto("meeting_minutes")
      .values({
        id: demoId(`minutes:${meetingKey}:${index + 1}`),
        cooperative_id: cooperativeId,
        meeting_id: meetingId,
        version: index + 1,
        body: version.body,
        decisions: version.decisions,
        status: "published",
        published_at: new Date(startsAt.getTime() + (7 + index * 3) * 86_400_000),
        published_by: publishedBy,
      })
      .onConflict((conflict) => conflict.column("id").doNothing())
      .execute();
  }
}

/** Seeds the networks of Montpellier as the owner. Returns the line to print. */
export async function seedDemoNetworks(owner: Kysely<DB>, { now = new Date() }: { now?: Date } = {}): Promise<string> {
  return owner.transaction().execute(async (trx) => {
    const cooperative = await trx
      .selectFrom("cooperatives")
      .select("id")
      .where("siren", "=", MONTPELLIER_EPCI)
      .executeTakeFirstOrThrow();
    const cooperativeId = cooperative.id;
    const communes = await trx
      .selectFrom("organisations")
      .select(["id", "name", "siren"])
      .where("cooperative_id", "=", cooperativeId)
      .where("kind", "=", "commune")
      .orderBy("name")
      .execute();
    const userId = async (email: string) =>
      (await trx.selectFrom("users").select("id").where("email", "=", email).executeTakeFirst())?.id ?? null;
    const lead = await userId(RH_LEAD_EMAIL);
    const admin = await userId("admin.montpellier@example.org");
    const thisYear = Number(now.toISOString().slice(0, 4));

    const rh = await ensureNetwork(trx, cooperativeId, "rh", communes, "2016-01-01");
    const juridique = await ensureNetwork(trx, cooperativeId, "juridique", communes, "2017-01-01");
    // Achats: a dozen communes, the demo referents' among them.
    const achatsMembers = communes.filter(
      (commune, index) => index % 3 === 0 || ["213400575", "213401292"].includes(commune.siren),
    );
    const achats = await ensureNetwork(trx, cooperativeId, "achats", achatsMembers, `${thisYear - 1}-01-01`);

    // Leads: the RH network's animatrice; the mission mutualisation for the others.
    for (const [network, user] of [
      [rh, lead],
      [juridique, admin],
      [achats, admin],
    ] as const) {
      if (!user) continue;
      await trx
        .insertInto("network_leads")
        .values({ network_id: network.id, user_id: user, cooperative_id: cooperativeId, granted_by: admin })
        .onConflict((conflict) => conflict.columns(["network_id", "user_id"]).doNothing())
        .execute();
    }

    // Contacts: the demo accounts of member communes (referents and agents).
    const people = await trx
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.user_id", "m.organisation_id", "u.display_name"])
      .where("m.cooperative_id", "=", cooperativeId)
      .where("m.role", "in", ["referent", "agent"])
      .where("u.email", "like", "%@example.org")
      .execute();
    const contactsOf = async (network: { id: string; members: Commune[] }) => {
      const memberIds = new Set(network.members.map((member) => member.id));
      const contacts = people
        .filter((person) => memberIds.has(person.organisation_id))
        .map((person) => ({
          userId: person.user_id,
          organisationId: person.organisation_id,
          name: person.display_name.replace(/ \(.*\)$/, ""),
        }));
      for (const contact of contacts) {
        await trx
          .insertInto("network_contacts")
          .values({
            network_id: network.id,
            organisation_id: contact.organisationId,
            user_id: contact.userId,
            cooperative_id: cooperativeId,
          })
          .onConflict((conflict) => conflict.columns(["network_id", "organisation_id", "user_id"]).doNothing())
          .execute();
      }
      // One contact per organisation is invited (and signs) for it.
      return [...new Map(contacts.map((contact) => [contact.organisationId, contact])).values()];
    };
    const rhContacts = await contactsOf(rh);
    const juridiqueContacts = await contactsOf(juridique);
    const achatsContacts = await contactsOf(achats);

    // RH, 2017: 8 communes at every meeting, 10 others at two meetings each.
    const core = RH_CORE.map((name) => rh.members.find((member) => member.name === name)).filter(
      (member): member is Commune => member !== undefined,
    );
    const others = rh.members.filter((member) => !core.includes(member));
    const pool = [...core, ...others].slice(0, 18);
    const [always, rotating] = [pool.slice(0, 8), pool.slice(8)];
    for (const [index, meeting] of RH_MEETINGS_2017.entries()) {
      const key = `rh:2017:${index + 1}`;
      const startsAt = paris(meeting.date, "09:30");
      const meetingId = await insertMeeting(trx, cooperativeId, {
        key,
        networkId: rh.id,
        title: `Réseau RH — ${meeting.title}`,
        startsAt,
        endsAt: paris(meeting.date, "12:00"),
        status: "held",
        agenda: meeting.items,
        createdBy: lead,
      });
      const invitees = await inviteContacts(trx, cooperativeId, key, meetingId, rhContacts, "accepted");
      const present = [...always, ...[0, 1, 2, 3].map((j) => rotating[(index * 4 + j) % rotating.length])].filter(
        (commune): commune is Commune => commune !== undefined,
      );
      await recordPresent(trx, cooperativeId, key, meetingId, present, invitees, lead);
      const body = `${present.length} communes présentes. ${meeting.items.map((item, n) => `${n + 1}. ${item}.`).join(" ")}\n\nLes échanges ont porté sur les pratiques de chaque commune ; les documents présentés sont à demander à l'animatrice du réseau.`;
      const decisions = "Le compte rendu est diffusé à toutes les communes du réseau, présentes ou non.";
      await publishMinutes(
        trx,
        cooperativeId,
        key,
        meetingId,
        startsAt,
        // The CV-thèque meeting's minutes were corrected once: both versions stay readable.
        index === 2
          ? [
              { body, decisions },
              { body: `${body}\n\nCorrectif : la maquette sera présentée par la DSI de la Métropole.`, decisions },
            ]
          : [{ body, decisions }],
        lead,
      );
    }

    // RH, upcoming: a meeting in about a month, and a poll on the dates of the next one. Made again once past.
    const today = now.toISOString().slice(0, 10);
    const upcoming = await trx
      .selectFrom("meetings")
      .select("id")
      .where("network_id", "=", rh.id)
      .where("status", "=", "scheduled")
      .where("starts_at", ">", now)
      .executeTakeFirst();
    if (!upcoming) {
      const day = thursdayFrom(dayAfter(today, 28));
      const key = `rh:${day}`;
      const meetingId = await insertMeeting(trx, cooperativeId, {
        key,
        networkId: rh.id,
        title: "Réseau RH — Protection sociale complémentaire",
        startsAt: paris(day, "09:30"),
        endsAt: paris(day, "12:00"),
        status: "scheduled",
        agenda: ["Participation employeur : où en sont les communes", "Contrat de groupe du centre de gestion"],
        createdBy: lead,
      });
      await inviteContacts(trx, cooperativeId, key, meetingId, rhContacts, "pending");
    }
    const openPoll = await trx
      .selectFrom("date_polls")
      .select("id")
      .where("network_id", "=", rh.id)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (!openPoll) {
      const first = dayAfter(today, 42);
      const pollId = demoId(`poll:rh:${first}`);
      await trx
        .insertInto("date_polls")
        .values({
          id: pollId,
          cooperative_id: cooperativeId,
          network_id: rh.id,
          title: "Réseau RH — réunion suivante : quelle date ?",
          description: "Formations bureautiques : le programme de l'achat groupé.",
          created_by: lead,
        })
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
      const slots = [first, dayAfter(first, 2), dayAfter(first, 7)].map((day) => ({
        id: demoId(`slot:${pollId}:${day}`),
        cooperative_id: cooperativeId,
        poll_id: pollId,
        starts_at: paris(day, "14:00"),
        ends_at: paris(day, "16:30"),
      }));
      await trx
        .insertInto("date_poll_slots")
        .values(slots)
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
      // The first contact answered, the others have not yet.
      const answering = rhContacts[0];
      if (answering) {
        await trx
          .insertInto("date_poll_answers")
          .values(
            slots.map((slot, index) => ({
              slot_id: slot.id,
              user_id: answering.userId,
              organisation_id: answering.organisationId,
              cooperative_id: cooperativeId,
              answer: (["yes", "no", "if_needed"] as const)[index] ?? "yes",
            })),
          )
          .onConflict((conflict) => conflict.columns(["slot_id", "user_id"]).doNothing())
          .execute();
      }
    }

    // Juridique: its first meeting (2017, the network's first year). Achats: one last year, minutes still a draft.
    const firstMeetings = [
      {
        network: juridique,
        contacts: juridiqueContacts,
        name: "Réseau juridique",
        date: "2017-10-12",
        published: true,
      },
      {
        network: achats,
        contacts: achatsContacts,
        name: "Réseau achats",
        date: `${thisYear - 1}-03-16`,
        published: false,
      },
    ];
    for (const { network, contacts, name, date, published } of firstMeetings) {
      const key = `${network.id}:${date}`;
      const title = published ? "Lancement du réseau" : "Calendrier des groupements de commandes";
      const startsAt = paris(date, "14:00");
      const meetingId = await insertMeeting(trx, cooperativeId, {
        key,
        networkId: network.id,
        title: `${name} — ${title}`,
        startsAt,
        endsAt: paris(date, "16:30"),
        status: "held",
        agenda: [title, "Questions des communes"],
        createdBy: admin,
      });
      const invitees = await inviteContacts(trx, cooperativeId, key, meetingId, contacts, "accepted");
      const present = network.members.slice(0, 7);
      await recordPresent(trx, cooperativeId, key, meetingId, present, invitees, admin);
      const minutes = {
        body: `${present.length} communes présentes. ${title} : chaque commune a présenté ses besoins.`,
        decisions: "Un référent par commune ; prochaine réunion au trimestre suivant.",
      };
      if (published) {
        await publishMinutes(trx, cooperativeId, key, meetingId, startsAt, [minutes], admin);
      } else {
        await trx
          .insertInto("meeting_minutes")
          .values({
            id: demoId(`minutes:${key}:1`),
            cooperative_id: cooperativeId,
            meeting_id: meetingId,
            version: 1,
            ...minutes,
          })
          .onConflict((conflict) => conflict.column("id").doNothing())
          .execute();
      }
    }

    return `Demo networks: RH (${RH_MEETINGS_2017.length} meetings in 2017, ${pool.length} communes present; led by ${RH_LEAD_EMAIL}), juridique and achats, with a poll in progress and an upcoming meeting`;
  });
}
