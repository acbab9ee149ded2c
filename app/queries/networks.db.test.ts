import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestContext } from "../../db/request-context.ts";
import { withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { addNetworkMember, refusal } from "../../test/networks.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { type NetworkAccess, networkAccess } from "./network-access.server.ts";
import {
  addContact,
  contactRecipients,
  ensureNetworks,
  grantLead,
  listContactCandidates,
  listContacts,
  listMembers,
  listNetworks,
  NetworkError,
  removeContact,
  removeLead,
  writeToNetwork,
} from "./networks.server.ts";

const PUBLIC_URL = "http://portail.test";

const failure = (work: Promise<unknown>) => refusal(work, NetworkError);

describe(`networks: members, leads, contacts, mail (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  /** A second commune of A in the network, with its referent (lead of the second network) and an agent. */
  let commune2 = "";
  let referent2 = "";
  let agent1 = "";
  let viewer1 = "";
  /** A second network of A, led by referent2. */
  let network2 = "";
  let referent2Context: RequestContext;

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const access = async (context: RequestContext, networkId: string): Promise<NetworkAccess> => {
    const found = await as(context, (trx) => networkAccess(trx, networkId));
    if (!found) throw new Error("network out of sight");
    return found;
  };
  const actorOf = (context: RequestContext, manages: boolean) => ({
    manages,
    role: context.role,
    organisationId: context.organisationId,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const owner = database.owner;
    ({
      communeId: commune2,
      referentUserId: referent2,
      referentContext: referent2Context,
    } = await addNetworkMember(owner, a, "213400"));
    const users = await owner
      .insertInto("users")
      .values([
        { email: "agent1@213400.test", display_name: "Agent un" },
        { email: "viewer1@213400.test", display_name: "Élu un" },
      ])
      .returning("id")
      .execute();
    [agent1, viewer1] = users.map((user) => user.id) as [string, string];
    await owner
      .insertInto("memberships")
      .values([
        { user_id: agent1, organisation_id: a.communeId, cooperative_id: a.cooperativeId, role: "agent" },
        { user_id: viewer1, organisation_id: a.communeId, cooperative_id: a.cooperativeId, role: "viewer" },
      ])
      .execute();
    const offer2 = await owner
      .insertInto("offers")
      .values({
        cooperative_id: a.cooperativeId,
        title: "Réseau juridique",
        kind: "thematic_network",
        status: "published",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    network2 = (
      await owner
        .insertInto("networks")
        .values({ cooperative_id: a.cooperativeId, offer_id: offer2.id })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await owner
      .insertInto("network_leads")
      .values({ network_id: network2, user_id: referent2, cooperative_id: a.cooperativeId })
      .execute();
  });
  afterAll(() => database.close());

  it("lists the cooperative's networks with their members (subscriptions stay private), next meeting and lead badge", async () => {
    const now = new Date("2029-06-01T00:00:00Z");
    const asReferent = await as(a.referentContext, (trx) =>
      listNetworks(trx, { cooperativeId: a.cooperativeId, userId: a.referentUserId, now }),
    );
    const first = asReferent.find((network) => network.id === a.networkId);
    expect(first).toMatchObject({ members: 2, leads: false, nextMeeting: { id: a.meetingId } });
    expect(asReferent.find((network) => network.id === network2)).toMatchObject({ members: 0, nextMeeting: null });
    const asLead = await as(referent2Context, (trx) =>
      listNetworks(trx, { cooperativeId: a.cooperativeId, userId: referent2, now }),
    );
    expect(asLead.find((network) => network.id === network2)?.leads).toBe(true);
    expect(asLead.find((network) => network.id === a.networkId)?.leads).toBe(false);
    // The referent reads no other commune's subscription, yet sees both members.
    expect(
      await as(a.referentContext, (trx) => trx.selectFrom("subscriptions").select("organisation_id").execute()),
    ).not.toContainEqual({ organisation_id: commune2 });
    expect(
      (await as(a.referentContext, (trx) => listMembers(trx, a.networkId))).map((member) => member.id).sort(),
    ).toEqual([a.communeId, commune2].sort());
  });

  it("opens the network of a thematic offer that has none when an operator admin lists them, audited once", async () => {
    await database.owner
      .insertInto("offers")
      .values({
        cooperative_id: a.cooperativeId,
        title: "Réseau achats",
        kind: "thematic_network",
        status: "published",
      })
      .execute();
    const ensure = () =>
      as(a.context, (trx) => ensureNetworks(trx, { cooperativeId: a.cooperativeId, actorUserId: a.adminUserId }));
    expect(await ensure()).toEqual(["Réseau achats"]);
    expect(await ensure()).toEqual([]);
    const events = await database.owner
      .selectFrom("audit_events")
      .select(["action", "subject"])
      .where("action", "=", "network.created")
      .execute();
    expect(events).toEqual([{ action: "network.created", subject: "Réseau achats" }]);
    // A referent may not open one (row-level security).
    await database.owner
      .insertInto("offers")
      .values({ cooperative_id: a.cooperativeId, title: "Réseau SIG", kind: "thematic_network", status: "published" })
      .execute();
    expect(
      await failure(
        as(a.referentContext, (trx) =>
          ensureNetworks(trx, { cooperativeId: a.cooperativeId, actorUserId: a.referentUserId }),
        ),
      ),
    ).toBe("42501");
  });

  it("lets an operator admin grant and remove leads, audited; nobody else", async () => {
    const network = await access(a.context, a.networkId);
    const change = { network, userId: referent2, actorUserId: a.adminUserId };
    await as(a.context, (trx) => grantLead(trx, change));
    expect(await failure(as(a.context, (trx) => grantLead(trx, change)))).toBe("Référente deux anime déjà ce réseau.");
    expect((await access(referent2Context, a.networkId)).manages).toBe(true);
    await as(a.context, (trx) => removeLead(trx, change));
    expect((await access(referent2Context, a.networkId)).manages).toBe(false);
    expect(await failure(as(a.context, (trx) => removeLead(trx, change)))).toBe(
      "Cette personne n'anime pas ce réseau.",
    );
    // A person of another cooperative is not one of ours.
    expect(await failure(as(a.context, (trx) => grantLead(trx, { ...change, userId: b.referentUserId })))).toBe(
      "Cette personne n'appartient pas à la coopérative.",
    );
    // A lead is not an admin: it grants nobody (row-level security).
    const led = await access(referent2Context, network2);
    expect(
      await failure(
        as(referent2Context, (trx) => grantLead(trx, { network: led, userId: agent1, actorUserId: referent2 })),
      ),
    ).toBe("42501");
    const events = await database.owner
      .selectFrom("audit_events")
      .select(["action", "actor_user_id"])
      .where("action", "in", ["network.lead_granted", "network.lead_removed"])
      .orderBy("created_at")
      .execute();
    expect(events).toEqual([
      { action: "network.lead_granted", actor_user_id: a.adminUserId },
      { action: "network.lead_removed", actor_user_id: a.adminUserId },
    ]);
  });

  it("keeps a lead of one network away from another one", async () => {
    expect((await access(referent2Context, network2)).manages).toBe(true);
    const other = await access(referent2Context, a.networkId);
    expect(other.manages).toBe(false);
    // Another commune's contact of the network it does not lead: refused by the query and by the policies.
    expect(
      await failure(
        as(referent2Context, (trx) =>
          addContact(trx, {
            network: other,
            organisationId: a.communeId,
            userId: agent1,
            actor: actorOf(referent2Context, other.manages),
          }),
        ),
      ),
    ).toBe("Vous ne gérez que les contacts de votre organisation.");
    expect(
      await failure(
        as(referent2Context, (trx) =>
          trx
            .insertInto("network_contacts")
            .values({
              network_id: a.networkId,
              organisation_id: a.communeId,
              user_id: agent1,
              cooperative_id: a.cooperativeId,
            })
            .execute(),
        ),
      ),
    ).toBe("42501");
    expect(
      await failure(
        as(referent2Context, (trx) =>
          trx
            .insertInto("date_polls")
            .values({ cooperative_id: a.cooperativeId, network_id: a.networkId, title: "Intrus" })
            .execute(),
        ),
      ),
    ).toBe("42501");
  });

  it("lets a referent manage its own organisation's contacts only, among its referents and agents", async () => {
    const network = await access(a.referentContext, a.networkId);
    const actor = actorOf(a.referentContext, network.manages);
    const input = { network, organisationId: a.communeId, userId: agent1, actor };
    expect(
      (await as(a.referentContext, (trx) => listContactCandidates(trx, a.networkId, a.communeId))).map(
        (candidate) => candidate.userId,
      ),
    ).toEqual([agent1]);
    expect(await as(a.referentContext, (trx) => addContact(trx, input))).toEqual({ displayName: "Agent un" });
    expect(await failure(as(a.referentContext, (trx) => addContact(trx, input)))).toBe(
      "Agent un est déjà contact du réseau.",
    );
    expect(await failure(as(a.referentContext, (trx) => addContact(trx, { ...input, userId: viewer1 })))).toBe(
      "Seuls les référents et les agents de l'organisation peuvent être contacts du réseau.",
    );
    expect(
      await failure(
        as(a.referentContext, (trx) => addContact(trx, { ...input, organisationId: commune2, userId: referent2 })),
      ),
    ).toBe("Vous ne gérez que les contacts de votre organisation.");
    await as(a.referentContext, (trx) => removeContact(trx, input));
    expect(await failure(as(a.referentContext, (trx) => removeContact(trx, input)))).toBe(
      "Cette personne n'est pas contact du réseau pour cette organisation.",
    );
  });

  it("lets the network's managers manage every member's contacts, and only members'", async () => {
    const network = await access(a.context, a.networkId);
    const actor = actorOf(a.context, network.manages);
    await as(a.context, (trx) => addContact(trx, { network, organisationId: commune2, userId: referent2, actor }));
    // The operator does not subscribe to the network: its people are not contacts.
    expect(
      await failure(
        as(a.context, (trx) =>
          addContact(trx, { network, organisationId: a.operatorId, userId: a.adminUserId, actor }),
        ),
      ),
    ).toBe("Cette organisation n'est pas membre du réseau : elle doit d'abord y adhérer.");
    expect(
      (await as(a.context, (trx) => listContacts(trx, a.networkId))).map((contact) => contact.userId).sort(),
    ).toEqual([a.referentUserId, referent2].sort());
    expect((await as(a.context, (trx) => contactRecipients(trx, a.networkId))).sort()).toEqual(
      [a.referentUserId, referent2].sort(),
    );
  });

  it("writes to every contact through the outbox, as each chose", async () => {
    await database.owner
      .insertInto("notification_preferences")
      .values({ user_id: referent2, kind: "networks", delivery: "digest" })
      .execute();
    const network = await access(a.context, a.networkId);
    const reached = await as(a.context, (trx) =>
      writeToNetwork(trx, PUBLIC_URL, {
        network,
        subject: "Prochaine réunion",
        message: "Bonjour",
        authorName: "Admin",
      }),
    );
    expect(reached).toBe(2);
    const mail = await database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "subject", "kind"])
      .where("kind", "=", "notification_networks")
      .execute();
    expect(mail).toEqual([
      {
        to_address: "referent-a@213400.test",
        subject: `${network.name} : Prochaine réunion`,
        kind: "notification_networks",
      },
    ]);
    const digest = await database.owner
      .selectFrom("notification_digest_items")
      .select(["user_id", "title"])
      .where("kind", "=", "networks")
      .execute();
    expect(digest).toEqual([{ user_id: referent2, title: `${network.name} : Prochaine réunion` }]);
  });

  it("shows another cooperative nothing", async () => {
    expect(await as(b.context, (trx) => networkAccess(trx, a.networkId))).toBeNull();
    expect(await as(b.context, (trx) => listMembers(trx, a.networkId))).toEqual([]);
    expect(await as(b.context, (trx) => listContacts(trx, a.networkId))).toEqual([]);
    expect(await as(b.context, (trx) => contactRecipients(trx, a.networkId))).toEqual([]);
    const networks = await as(b.context, (trx) =>
      listNetworks(trx, { cooperativeId: a.cooperativeId, userId: b.adminUserId, now: new Date() }),
    );
    expect(networks).toEqual([]);
  });
});
