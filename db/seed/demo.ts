import type { Kysely } from "kysely";
import { hashPassword } from "../../app/auth/password.server.ts";
import type { DB, MembershipRole } from "../schema.ts";
import { describeImport, importTerritories } from "../territory/import.ts";
import { loadTerritoryReference } from "../territory/reference.ts";
import { seedDemoCatalogue } from "./demo-catalogue.ts";
import { seedDemoNetworks } from "./demo-networks.ts";
import { seedDemoPriceBook } from "./demo-price-book.ts";
import { seedDemoStatements } from "./demo-statements.ts";

/** The four metropolises of the source reports. */
export const DEMO_COOPERATIVES = {
  montpellier: "243400017",
  metz: "200039865",
  leMans: "247200132",
  saintEtienne: "244200770",
} as const;

interface DemoUser {
  email: string;
  displayName: string;
  memberships: {
    cooperative: string;
    organisation: string;
    role: MembershipRole;
  }[];
  /** What else the demo grants (printed with the login). */
  note?: string;
}

const M = DEMO_COOPERATIVES.montpellier;

// Organisations by SIREN: stable across imports.
export const DEMO_USERS: DemoUser[] = [
  {
    email: "admin.montpellier@example.org",
    displayName: "Claire Fabre (mission mutualisation)",
    memberships: [{ cooperative: M, organisation: M, role: "operator_admin" }],
  },
  {
    email: "elu.montpellier@example.org",
    displayName: "Jean Roux (élu métropolitain)",
    memberships: [{ cooperative: M, organisation: M, role: "viewer" }],
  },
  {
    email: "referent.castelnau@example.org",
    displayName: "Sophie Martin (DGS de Castelnau-le-Lez)",
    memberships: [{ cooperative: M, organisation: "213400575", role: "referent" }],
  },
  {
    email: "agent.castelnau@example.org",
    displayName: "Karim Benali (service RH de Castelnau-le-Lez)",
    memberships: [{ cooperative: M, organisation: "213400575", role: "agent" }],
  },
  {
    email: "elu.castelnau@example.org",
    displayName: "Anne Dupuy (adjointe au maire de Castelnau-le-Lez)",
    memberships: [{ cooperative: M, organisation: "213400575", role: "viewer" }],
  },
  {
    email: "dgs.lattes@example.org",
    displayName: "Paul Garcia (DGS de Lattes, élu à Grabels)",
    memberships: [
      { cooperative: M, organisation: "213401292", role: "referent" },
      { cooperative: M, organisation: "213401169", role: "viewer" },
    ],
  },
  {
    email: "animatrice.rh@example.org",
    displayName: "Hélène Castel (animatrice du réseau RH, Montpellier Méditerranée Métropole)",
    memberships: [{ cooperative: M, organisation: M, role: "agent" }],
    // Granted by db/seed/demo-networks.ts.
    note: "network_lead of the RH network",
  },
  {
    email: "admin.metz@example.org",
    displayName: "Luc Schmitt (Metz Métropole)",
    memberships: [
      {
        cooperative: DEMO_COOPERATIVES.metz,
        organisation: DEMO_COOPERATIVES.metz,
        role: "operator_admin",
      },
    ],
  },
  {
    email: "admin.lemans@example.org",
    displayName: "Marie Lebrun (Le Mans Métropole)",
    memberships: [
      {
        cooperative: DEMO_COOPERATIVES.leMans,
        organisation: DEMO_COOPERATIVES.leMans,
        role: "operator_admin",
      },
    ],
  },
  {
    email: "admin.saint-etienne@example.org",
    displayName: "Hugo Perrin (Saint-Étienne Métropole)",
    memberships: [
      {
        cooperative: DEMO_COOPERATIVES.saintEtienne,
        organisation: DEMO_COOPERATIVES.saintEtienne,
        role: "operator_admin",
      },
    ],
  },
];

/** Every demo account's password (a passphrase: 12+ characters, not a common password). */
export const DEMO_PASSWORD = "coopérative de démonstration";

/**
 * Imports the four metropolises and the demo accounts, as the owner.
 * Idempotent: a second start adds nothing. Returns what to print.
 */
export async function seedDemo(owner: Kysely<DB>): Promise<string> {
  const reference = loadTerritoryReference();
  const reports = await importTerritories(owner, Object.values(DEMO_COOPERATIVES), reference);
  const demoHash = await hashPassword(DEMO_PASSWORD);
  await owner.transaction().execute(async (trx) => {
    for (const user of DEMO_USERS) {
      await trx
        .insertInto("users")
        .values({ email: user.email, display_name: user.displayName })
        .onConflict((conflict) => conflict.column("email").doNothing())
        .execute();
      const { id: userId } = await trx
        .selectFrom("users")
        .select("id")
        .where("email", "=", user.email)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("password_credentials")
        .values({ user_id: userId, hash: demoHash })
        .onConflict((conflict) => conflict.column("user_id").doNothing())
        .execute();
      for (const membership of user.memberships) {
        const organisation = await trx
          .selectFrom("organisations as o")
          .innerJoin("cooperatives as c", "c.id", "o.cooperative_id")
          .select(["o.id", "o.cooperative_id"])
          .where("c.siren", "=", membership.cooperative)
          .where("o.siren", "=", membership.organisation)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("memberships")
          .values({
            user_id: userId,
            organisation_id: organisation.id,
            cooperative_id: organisation.cooperative_id,
            role: membership.role,
          })
          .onConflict((conflict) => conflict.columns(["user_id", "organisation_id"]).doNothing())
          .execute();
      }
    }
  });
  const priceBook = await seedDemoPriceBook(owner, {
    year: new Date().getFullYear(),
    populationYear: reference.year,
  });
  const catalogue = await seedDemoCatalogue(owner, {
    year: new Date().getFullYear(),
    populationYear: reference.year,
  });
  const statements = await seedDemoStatements(owner, { year: new Date().getFullYear() });
  const networks = await seedDemoNetworks(owner);
  const line = (user: DemoUser) =>
    `  ${user.email.padEnd(34)} ${user.memberships.map((membership) => membership.role).join(", ")}${
      user.note ? `, ${user.note}` : ""
    }`;
  const inMontpellier = (user: DemoUser) => user.memberships.every((membership) => membership.cooperative === M);
  return [
    ...reports.map(describeImport),
    priceBook,
    catalogue,
    statements,
    networks,
    `Demo logins (password for all: "${DEMO_PASSWORD}")`,
    "Montpellier Méditerranée Métropole, one per role:",
    ...DEMO_USERS.filter(inMontpellier).map(line),
    "The other metropolises' operator admins:",
    ...DEMO_USERS.filter((user) => !inMontpellier(user)).map(line),
  ].join("\n");
}
