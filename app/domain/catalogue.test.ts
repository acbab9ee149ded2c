import { describe, expect, it } from "vitest";
import { pricingSchema } from "./allocation/pricing-schema.ts";
import {
  CATALOGUE_DEFAULTS,
  catalogueCsv,
  catalogueSearch,
  describeTermsFr,
  offerFormValues,
  optionKeyFrom,
  parseCatalogueQuery,
  parseOfferForm,
  requestBlock,
  summarisePricingFr,
} from "./catalogue.ts";

function formData(entries: [string, string][]): FormData {
  const form = new FormData();
  for (const [key, value] of entries) form.append(key, value);
  return form;
}

const valid: [string, string][] = [
  ["title", "  E-services "],
  ["summary", "Démarches en ligne"],
  ["description", ""],
  ["categoryId", ""],
  ["kind", "platform"],
  ["contactName", ""],
  ["contactEmail", " Mission@Metropole.TEST "],
  ["eligibleKinds", "commune"],
  ["eligibleKinds", "ccas"],
  ["requiresApproval", "on"],
  ["takesEffect", "on_approval"],
  ["noticeMonths", "3"],
  ["optionKey", ""],
  ["optionLabel", "Prise de rendez-vous (état civil)"],
  ["optionDescription", ""],
  ["optionKey", ""],
  ["optionLabel", ""],
  ["optionDescription", ""],
];

describe("the offer form", () => {
  it("derives a stable key from a new option's label, drops empty rows, reads checkboxes", () => {
    expect(optionKeyFrom("Module RH (paie)")).toBe("module-rh-paie");
    expect(optionKeyFrom("Élections 2026 !")).toBe("elections-2026");
    expect(optionKeyFrom("2e module")).toBe("option-2e-module");
    const values = offerFormValues(formData(valid));
    expect(values.options).toEqual([
      {
        key: "prise-de-rendez-vous-etat-civil",
        label: "Prise de rendez-vous (état civil)",
        description: "",
        existing: false,
      },
    ]);
    expect(values).toMatchObject({
      requiresCouncilDecision: false,
      requiresApproval: true,
      eligibleKinds: ["commune", "ccas"],
    });
    const parsed = parseOfferForm(values);
    expect(parsed).toMatchObject({
      ok: true,
      data: { title: "E-services", contactEmail: "mission@metropole.test", categoryId: undefined, noticeMonths: 3 },
    });
  });

  it("puts each French message on its field, options' on their row", () => {
    const values = offerFormValues(
      formData([
        ...valid.filter(([key]) => !["title", "eligibleKinds", "noticeMonths", "kind"].includes(key)),
        ["title", ""],
        ["kind", "autre chose"],
        ["noticeMonths", "trois"],
        ["optionKey", "Clé Invalide"],
        ["optionLabel", "Bis"],
        ["optionDescription", ""],
        ["optionKey", "prise-de-rendez-vous-etat-civil"],
        ["optionLabel", "Doublon"],
        ["optionDescription", ""],
      ]),
    );
    const parsed = parseOfferForm(values);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      title: "Indiquez le titre de l'offre.",
      kind: "Choisissez le type d'offre.",
      eligibleKinds: "Cochez au moins un type d'organisation qui peut adhérer.",
      noticeMonths: "Le préavis est un nombre de mois.",
      "options.1.key": "La clé s'écrit en minuscules, sans espace ni accent (ex. « module-rh »).",
    });
  });

  it("refuses the same key twice", () => {
    const values = offerFormValues(
      formData([
        ...valid,
        ["optionKey", "prise-de-rendez-vous-etat-civil"],
        ["optionLabel", "Doublon"],
        ["optionDescription", ""],
      ]),
    );
    expect(parseOfferForm(values)).toEqual({
      ok: false,
      errors: { "options.1.key": "La clé « prise-de-rendez-vous-etat-civil » figure deux fois." },
    });
  });

  it("never lets a saved option go: its key is what pricings and subscriptions name", () => {
    const values = offerFormValues(formData(valid), ["rh"]);
    const parsed = parseOfferForm(values, ["rh"]);
    expect(parsed).toEqual({
      ok: false,
      errors: {
        options: "Une option enregistrée ne se supprime pas (clé « rh ») : renommez-la ou décrivez-la plutôt.",
      },
    });
    const kept = offerFormValues(
      formData([...valid, ["optionKey", "rh"], ["optionLabel", "Ressources humaines"], ["optionDescription", ""]]),
      ["rh"],
    );
    expect(kept.options.find((option) => option.key === "rh")?.existing).toBe(true);
    expect(parseOfferForm(kept, ["rh"]).ok).toBe(true);
  });
});

describe("terms and pricing in plain French", () => {
  it("says who may join, council, approval, effect and notice", () => {
    expect(
      describeTermsFr({
        eligibleKinds: ["commune", "epci", "ccas", "other"],
        requiresCouncilDecision: false,
        requiresApproval: false,
        takesEffect: "on_approval",
        noticeMonths: 0,
      }).map((term) => term.text),
    ).toEqual([
      "Toutes les organisations membres de la coopérative.",
      "Aucune délibération n'est demandée.",
      "L'adhésion est acceptée automatiquement, sans examen.",
      "L'adhésion prend effet dès l'approbation (ici, dès la demande).",
      "Aucun préavis : la résiliation peut prendre effet immédiatement.",
    ]);
    expect(
      describeTermsFr({
        eligibleKinds: ["ccas", "commune"],
        requiresCouncilDecision: true,
        requiresApproval: true,
        takesEffect: "next_january",
        noticeMonths: 6,
      }).map((term) => term.text),
    ).toEqual([
      "Les communes et les CCAS.",
      "L'adhésion demande une délibération du conseil (numéro et date, avec le PDF si possible).",
      "La demande est examinée puis approuvée ou refusée par la métropole.",
      "L'adhésion prend effet au 1er janvier de l'année suivante.",
      "6 mois de préavis pour résilier.",
    ]);
  });

  it("summarises a shares pricing with named contributor, subsidy, proration and options, and a cost key", () => {
    const shares = pricingSchema.parse({
      kind: "shares",
      population: { basis: "total", year: 2026 },
      proration: "month",
      base: {
        parts: [
          {
            kind: "split",
            totalCents: 1_342_200,
            weight: { kind: "population" },
            namedContributors: [{ siren: "243400017", amountCents: 933_300 }],
          },
        ],
        subsidyBasisPoints: 5_000,
      },
      options: [{ key: "rh", label: "Module RH", parts: [{ kind: "flat", amountCents: 50_000 }] }],
    });
    expect(summarisePricingFr(shares)).toBe(
      "13\u202f422,00\u00a0€ répartis au prorata de la population, dont 9\u202f333,00\u00a0€ à la charge de un contributeur nommé ; " +
        "la métropole prend en charge 50\u00a0% de chaque quote-part ; au prorata des mois de présence. " +
        "Options : Module RH (forfait de 500,00\u00a0€ par membre).",
    );
    const costKey = pricingSchema.parse({
      kind: "costKey",
      keys: [
        { siren: "243400017", basisPoints: 5_776, operator: true },
        { siren: "213401722", basisPoints: 4_224 },
      ],
    });
    expect(summarisePricingFr(costKey)).toBe(
      "Service commun au coût réel, facturé par semestre selon une clé de répartition entre 2 organisations (part de l'opérateur : 57,76\u00a0%, non facturée).",
    );
  });
});

describe("who may ask to join", () => {
  const base = {
    status: "published" as const,
    eligibleKinds: ["commune" as const],
    organisationKind: "commune" as const,
    hasActiveSubscription: false,
    hasOpenRequest: false,
  };
  it("blocks drafts and archives, ineligible kinds, members already in, open requests", () => {
    expect(requestBlock(base)).toBeNull();
    expect(requestBlock({ ...base, status: "archived" })).toBe("not_published");
    expect(requestBlock({ ...base, organisationKind: "ccas" })).toBe("kind_not_eligible");
    expect(requestBlock({ ...base, hasActiveSubscription: true })).toBe("already_joined");
    expect(requestBlock({ ...base, hasOpenRequest: true })).toBe("already_requested");
  });
});

describe("the catalogue's URL", () => {
  it("falls back to defaults on bad values and keeps status and joined filters for those who may use them", () => {
    const search = new URLSearchParams(
      "q=%20e-admin%20&type=gis&categorie=pas-un-uuid&adhesion=oui&statut=draft&sort=lastYear&dir=desc&page=0&size=13",
    );
    expect(parseCatalogueQuery(search, { seesAllStatuses: false, isMember: true })).toEqual({
      ...CATALOGUE_DEFAULTS,
      q: "e-admin",
      type: "gis",
      adhesion: "oui",
      sort: "lastYear",
      dir: "desc",
    });
    expect(parseCatalogueQuery(search, { seesAllStatuses: true, isMember: false })).toMatchObject({
      statut: "draft",
      adhesion: "",
    });
    expect(catalogueSearch(CATALOGUE_DEFAULTS)).toBe("?");
    expect(catalogueSearch({ ...CATALOGUE_DEFAULTS, q: "é", page: 2 })).toBe("?q=%C3%A9&page=2");
  });

  it("writes the CSV with the year's columns, the status only for admins", () => {
    const rows = [
      {
        title: "=cmd",
        categoryName: null,
        kind: "gis" as const,
        status: "draft" as const,
        eligibleKinds: ["commune" as const, "other" as const],
        membersThisYear: 3,
        membersLastYear: 0,
      },
    ];
    expect(catalogueCsv(rows, { year: 2026, withStatus: true })).toBe(
      "\uFEFFOffre;Catégorie;Type;Statut;Qui peut adhérer;Membres adhérents 2026;Membres adhérents 2025\r\n" +
        "'=cmd;;SIG partagé;Brouillon;Commune, Autre organisme;3;0\r\n",
    );
    expect(catalogueCsv(rows, { year: 2026, withStatus: false }).split("\r\n")[0]).not.toContain("Statut");
  });
});
