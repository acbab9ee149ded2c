import { z } from "zod";
import type { OfferKind, OfferStatus, OfferTakesEffect, OrganisationKind } from "../../db/schema.ts";
import { formatEuros, formatPercent, formatRate } from "./allocation/format-fr.ts";
import type { Pricing, PricingPart } from "./allocation/pricing-schema.ts";
import { type CsvCell, toCsv } from "./csv.ts";
import { ORGANISATION_KIND_LABELS } from "./labels.ts";

// The catalogue (issue 6): labels, the offer form, its terms in plain French, a pricing in one
// sentence, the list's query from URL search params and its CSV. Pure: no I/O.

export const OFFER_KINDS = [
  "platform",
  "purchasing_group",
  "gis",
  "training",
  "thematic_network",
  "shared_service",
  "expertise",
  "other",
] as const satisfies OfferKind[];

export const OFFER_KIND_LABELS: Record<OfferKind, string> = {
  platform: "Plateforme mutualisée",
  purchasing_group: "Groupement de commandes",
  gis: "SIG partagé",
  training: "Formation",
  thematic_network: "Réseau thématique",
  shared_service: "Service commun",
  expertise: "Expertise et ingénierie",
  other: "Autre",
};

export const OFFER_STATUSES = ["draft", "published", "archived"] as const satisfies OfferStatus[];

export const OFFER_STATUS_LABELS: Record<OfferStatus, string> = {
  draft: "Brouillon",
  published: "Publiée",
  archived: "Archivée",
};

export const TAKES_EFFECT_LABELS: Record<OfferTakesEffect, string> = {
  on_approval: "dès l'approbation",
  next_january: "au 1er janvier de l'année suivante",
};

export const ORGANISATION_KINDS = ["commune", "epci", "ccas", "other"] as const satisfies OrganisationKind[];

/** The categories of the issue, given to a cooperative that has none when an admin first opens the page. */
export const DEFAULT_CATEGORIES = [
  "Fonctions ressources",
  "Services à la population",
  "Aménagement et développement durable du territoire",
  "Interventions techniques",
] as const;

// ---------------------------------------------------------------------------------------------
// The offer form

const OPTION_KEY = /^[a-z][a-z0-9_-]{0,39}$/;

/** A key for a new option, from its label: "Module RH (paie)" -> "module-rh-paie". */
export function optionKeyFrom(label: string): string {
  const slug = label
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return /^[a-z]/.test(slug) ? slug : `option-${slug}`.slice(0, 40).replace(/-+$/, "");
}

const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const optionSchema = z.object({
  key: z
    .string()
    .regex(OPTION_KEY, "La clé s'écrit en minuscules, sans espace ni accent (ex. « module-rh »).")
    .refine((key) => key !== "base", "« base » désigne l'offre de base, pas une option."),
  label: z.string().trim().min(1, "Indiquez le nom de l'option.").max(120, "120 caractères au plus."),
  description: z.string().trim().max(1000, "1 000 caractères au plus."),
});

export const offerForm = z
  .object({
    title: z.string().trim().min(1, "Indiquez le titre de l'offre.").max(200, "200 caractères au plus."),
    summary: z.string().trim().max(500, "500 caractères au plus."),
    description: z.string().trim().max(20_000, "20 000 caractères au plus."),
    categoryId: z.preprocess(blankToUndefined, z.uuid("Choisissez une catégorie de la liste.").optional()),
    kind: z.enum(OFFER_KINDS, { error: "Choisissez le type d'offre." }),
    contactName: z.preprocess(blankToUndefined, z.string().trim().max(200, "200 caractères au plus.").optional()),
    contactEmail: z.preprocess(
      blankToUndefined,
      z.string().trim().toLowerCase().pipe(z.email("Saisissez une adresse électronique valide.")).optional(),
    ),
    eligibleKinds: z
      .array(z.enum(ORGANISATION_KINDS, { error: "Type d'organisation inconnu." }))
      .min(1, "Cochez au moins un type d'organisation qui peut adhérer."),
    requiresCouncilDecision: z.boolean(),
    requiresApproval: z.boolean(),
    takesEffect: z.enum(["on_approval", "next_january"], { error: "Choisissez quand l'adhésion prend effet." }),
    noticeMonths: z.coerce
      .number({ error: "Le préavis est un nombre de mois." })
      .int("Le préavis est un nombre entier de mois.")
      .min(0, "Le préavis ne peut pas être négatif.")
      .max(24, "Le préavis ne dépasse pas 24 mois."),
    options: z.array(optionSchema).max(30, "30 options au plus."),
  })
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    for (const [index, option] of form.options.entries()) {
      if (seen.has(option.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["options", index, "key"],
          message: `La clé « ${option.key} » figure deux fois.`,
        });
      }
      seen.add(option.key);
    }
  });

export type OfferFormData = z.infer<typeof offerForm>;

/** What the form sent, kept as typed to show it back on error. */
export interface OfferFormValues {
  title: string;
  summary: string;
  description: string;
  categoryId: string;
  kind: string;
  contactName: string;
  contactEmail: string;
  eligibleKinds: string[];
  requiresCouncilDecision: boolean;
  requiresApproval: boolean;
  takesEffect: string;
  noticeMonths: string;
  options: { key: string; label: string; description: string; existing: boolean }[];
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
};
const texts = (form: FormData, name: string) =>
  form.getAll(name).map((value) => (typeof value === "string" ? value : ""));

/**
 * The offer form's fields. Options come as parallel lists (optionKey, optionLabel, optionDescription,
 * optionExisting); a row left wholly empty is dropped; a new row without a key gets one from its label,
 * and a saved option's key never changes (pricings and subscriptions refer to it).
 */
export function offerFormValues(form: FormData, savedKeys: readonly string[] = []): OfferFormValues {
  const keys = texts(form, "optionKey");
  const labels = texts(form, "optionLabel");
  const descriptions = texts(form, "optionDescription");
  const options: OfferFormValues["options"] = [];
  for (let index = 0; index < Math.max(keys.length, labels.length); index++) {
    const key = (keys[index] ?? "").trim();
    const label = labels[index] ?? "";
    const description = descriptions[index] ?? "";
    if (key === "" && label.trim() === "" && description.trim() === "") continue;
    options.push({
      key: key === "" && label.trim() !== "" ? optionKeyFrom(label) : key,
      label,
      description,
      existing: savedKeys.includes(key),
    });
  }
  return {
    title: text(form, "title"),
    summary: text(form, "summary"),
    description: text(form, "description"),
    categoryId: text(form, "categoryId"),
    kind: text(form, "kind"),
    contactName: text(form, "contactName"),
    contactEmail: text(form, "contactEmail"),
    eligibleKinds: texts(form, "eligibleKinds"),
    requiresCouncilDecision: form.get("requiresCouncilDecision") === "on",
    requiresApproval: form.get("requiresApproval") === "on",
    takesEffect: text(form, "takesEffect"),
    noticeMonths: text(form, "noticeMonths"),
    options,
  };
}

/** Field errors, by field name; options' as "options.2.label". */
export type OfferFieldErrors = Record<string, string>;

export function parseOfferForm(
  values: OfferFormValues,
  savedKeys: readonly string[] = [],
): { ok: true; data: OfferFormData } | { ok: false; errors: OfferFieldErrors } {
  const parsed = offerForm.safeParse(values);
  const errors: OfferFieldErrors = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join(".");
      if (!errors[field]) errors[field] = issue.message;
    }
  }
  // A saved option is never dropped silently: its key is what pricings and subscriptions name.
  const kept = new Set(values.options.map((option) => option.key));
  const dropped = savedKeys.filter((key) => !kept.has(key));
  if (dropped.length > 0) {
    errors.options = `Une option enregistrée ne se supprime pas (clé${dropped.length > 1 ? "s" : ""} ${dropped.map((key) => `« ${key} »`).join(", ")}) : renommez-la ou décrivez-la plutôt.`;
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, data: parsed.data };
}

// ---------------------------------------------------------------------------------------------
// Terms and pricing in plain French

export interface OfferTerms {
  eligibleKinds: OrganisationKind[];
  requiresCouncilDecision: boolean;
  requiresApproval: boolean;
  takesEffect: OfferTakesEffect;
  noticeMonths: number;
}

function joinFr(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} et ${items.at(-1)}`;
}

const KIND_PLURALS: Record<OrganisationKind, string> = {
  commune: "les communes",
  epci: "les EPCI",
  ccas: "les CCAS",
  other: "les autres organismes",
};

/** The offer's terms as short French sentences, in the order a referent asks the questions. */
export function describeTermsFr(terms: OfferTerms): { label: string; text: string }[] {
  const everyone = ORGANISATION_KINDS.every((kind) => terms.eligibleKinds.includes(kind));
  const who = everyone
    ? "Toutes les organisations membres de la coopérative."
    : `${capitalise(joinFr(ORGANISATION_KINDS.filter((kind) => terms.eligibleKinds.includes(kind)).map((kind) => KIND_PLURALS[kind])))}.`;
  return [
    { label: "Qui peut adhérer", text: who },
    {
      label: "Délibération",
      text: terms.requiresCouncilDecision
        ? "L'adhésion demande une délibération du conseil (numéro et date, avec le PDF si possible)."
        : "Aucune délibération n'est demandée.",
    },
    {
      label: "Validation",
      text: terms.requiresApproval
        ? "La demande est examinée puis approuvée ou refusée par la métropole."
        : "L'adhésion est acceptée automatiquement, sans examen.",
    },
    {
      label: "Prise d'effet",
      text: `L'adhésion prend effet ${TAKES_EFFECT_LABELS[terms.takesEffect]}${terms.requiresApproval ? "" : " (ici, dès la demande)"}.`,
    },
    {
      label: "Préavis de sortie",
      text:
        terms.noticeMonths === 0
          ? "Aucun préavis : la résiliation peut prendre effet immédiatement."
          : `${terms.noticeMonths} mois de préavis pour résilier.`,
    },
  ];
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function partFr(part: PricingPart): string {
  switch (part.kind) {
    case "free":
      return "gratuit";
    case "flat":
      return `forfait de ${formatEuros(part.amountCents)} par membre`;
    case "perCapitaRate":
      return `${formatRate(part.rateMillicents)} par habitant${limitsFr(part)}`;
    case "perUnitRate":
      return `${formatRate(part.rateMillicents)} par unité (${part.unitLabel})${limitsFr(part)}`;
    case "bands":
      return `montant selon la tranche de population (${part.bands.length} tranche${part.bands.length > 1 ? "s" : ""})`;
    case "split": {
      const weight =
        part.weight.kind === "population"
          ? "au prorata de la population"
          : part.weight.kind === "units"
            ? `au prorata des unités déclarées (${part.weight.unitLabel})`
            : "à parts égales";
      const named = part.namedContributors.reduce((sum, contributor) => sum + contributor.amountCents, 0);
      const fixed =
        part.namedContributors.length > 0
          ? `, dont ${formatEuros(named)} à la charge de ${part.namedContributors.length === 1 ? "un contributeur nommé" : `${part.namedContributors.length} contributeurs nommés`}`
          : "";
      return `${formatEuros(part.totalCents)} répartis ${weight}${fixed}${limitsFr(part)}`;
    }
  }
}

function limitsFr(part: { floorCents?: number | undefined; capCents?: number | undefined }): string {
  const limits = [
    part.floorCents !== undefined ? `plancher ${formatEuros(part.floorCents)}` : null,
    part.capCents !== undefined ? `plafond ${formatEuros(part.capCents)}` : null,
  ].filter((limit) => limit !== null);
  return limits.length > 0 ? ` (${limits.join(", ")})` : "";
}

/** A pricing in a few French words: the base, the operator's subsidy, the options. */
export function summarisePricingFr(pricing: Pricing): string {
  if (pricing.kind === "costKey") {
    const operator = pricing.keys.find((key) => key.operator);
    return (
      `Service commun au coût réel, facturé par semestre selon une clé de répartition entre ${pricing.keys.length} organisation${pricing.keys.length > 1 ? "s" : ""}` +
      `${operator ? ` (part de l'opérateur : ${formatPercent(operator.basisPoints)}, non facturée)` : ""}.`
    );
  }
  const base = pricing.base.parts.map(partFr).join(" + ");
  const subsidy =
    pricing.base.subsidyBasisPoints > 0
      ? ` ; la métropole prend en charge ${formatPercent(pricing.base.subsidyBasisPoints)} de chaque quote-part`
      : "";
  const proration =
    pricing.proration === "none"
      ? ""
      : ` ; au prorata ${pricing.proration === "month" ? "des mois" : "des jours"} de présence`;
  const options =
    pricing.options.length > 0
      ? ` Options : ${pricing.options.map((option) => `${option.label} (${option.parts.map(partFr).join(" + ")})`).join(" ; ")}.`
      : "";
  return `${capitalise(base)}${subsidy}${proration}.${options}`;
}

// ---------------------------------------------------------------------------------------------
// Who may ask to join

export type RequestBlock = "not_published" | "kind_not_eligible" | "already_joined" | "already_requested" | null;

/** Why an organisation may not ask to join an offer now (null: it may). */
export function requestBlock(input: {
  status: OfferStatus;
  eligibleKinds: readonly OrganisationKind[];
  organisationKind: OrganisationKind;
  hasActiveSubscription: boolean;
  hasOpenRequest: boolean;
}): RequestBlock {
  if (input.status !== "published") return "not_published";
  if (!input.eligibleKinds.includes(input.organisationKind)) return "kind_not_eligible";
  if (input.hasActiveSubscription) return "already_joined";
  if (input.hasOpenRequest) return "already_requested";
  return null;
}

export const REQUEST_BLOCK_MESSAGES: Record<Exclude<RequestBlock, null>, string> = {
  not_published: "Cette offre n'est pas ouverte aux demandes d'adhésion.",
  kind_not_eligible: "Votre type d'organisation ne peut pas adhérer à cette offre.",
  already_joined: "Votre organisation adhère déjà à cette offre.",
  already_requested: "Votre organisation a déjà une demande en cours pour cette offre.",
};

/** "Kind (commune, ccas)" for the eligible kinds line of a list. */
export function eligibleKindsFr(kinds: readonly OrganisationKind[]): string {
  return kinds.map((kind) => ORGANISATION_KIND_LABELS[kind]).join(", ");
}

// ---------------------------------------------------------------------------------------------
// The list's query, from the URL

export const OFFER_SORTS = ["title", "category", "kind", "thisYear", "lastYear"] as const;
export type OfferSort = (typeof OFFER_SORTS)[number];
export const OFFER_PAGE_SIZES = [10, 20, 50] as const;

export interface CatalogueQuery {
  q: string;
  categorie: string;
  type: OfferKind | "";
  adhesion: "" | "oui" | "non";
  statut: OfferStatus | "";
  sort: OfferSort;
  dir: "asc" | "desc";
  page: number;
  size: number;
}

export const CATALOGUE_DEFAULTS: CatalogueQuery = {
  q: "",
  categorie: "",
  type: "",
  adhesion: "",
  statut: "",
  sort: "title",
  dir: "asc",
  page: 1,
  size: 20,
};

// Search params come from people and links: a bad value falls back to its default.
const catalogueParams = z.object({
  q: z
    .string()
    .transform((q) => q.trim().slice(0, 100))
    .catch(""),
  categorie: z.union([z.uuid(), z.literal("aucune")]).catch("" as never),
  type: z.enum(OFFER_KINDS).catch("" as never),
  adhesion: z.enum(["oui", "non"]).catch("" as never),
  statut: z.enum(OFFER_STATUSES).catch("" as never),
  sort: z.enum(OFFER_SORTS).catch("title"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).catch(1),
  size: z.coerce
    .number()
    .refine((size) => (OFFER_PAGE_SIZES as readonly number[]).includes(size))
    .catch(20),
});

/** The list's query; `statut` only for those who see drafts and archives, `adhesion` only for members. */
export function parseCatalogueQuery(
  search: URLSearchParams,
  { seesAllStatuses, isMember }: { seesAllStatuses: boolean; isMember: boolean },
): CatalogueQuery {
  const raw = Object.fromEntries(
    (Object.keys(CATALOGUE_DEFAULTS) as (keyof CatalogueQuery)[]).map((key) => [key, search.get(key) ?? undefined]),
  );
  const query = catalogueParams.parse(raw) as CatalogueQuery;
  return {
    ...query,
    statut: seesAllStatuses ? query.statut : "",
    adhesion: isMember ? query.adhesion : "",
  };
}

/** The search string for a query, defaults left out so that links stay short. */
export function catalogueSearch(query: CatalogueQuery, overrides: Partial<CatalogueQuery> = {}): string {
  const merged = { ...query, ...overrides };
  const params = new URLSearchParams();
  for (const key of Object.keys(CATALOGUE_DEFAULTS) as (keyof CatalogueQuery)[]) {
    if (merged[key] !== CATALOGUE_DEFAULTS[key]) params.set(key, String(merged[key]));
  }
  const search = params.toString();
  return search ? `?${search}` : "?";
}

// ---------------------------------------------------------------------------------------------
// CSV exports

export interface CatalogueCsvRow {
  title: string;
  categoryName: string | null;
  kind: OfferKind;
  status: OfferStatus;
  eligibleKinds: OrganisationKind[];
  membersThisYear: number;
  membersLastYear: number;
}

export function catalogueCsv(
  rows: readonly CatalogueCsvRow[],
  { year, withStatus }: { year: number; withStatus: boolean },
): string {
  const header = [
    "Offre",
    "Catégorie",
    "Type",
    ...(withStatus ? ["Statut"] : []),
    "Qui peut adhérer",
    `Membres adhérents ${year}`,
    `Membres adhérents ${year - 1}`,
  ];
  return toCsv(
    header,
    rows.map((row): CsvCell[] => [
      row.title,
      row.categoryName ?? "",
      OFFER_KIND_LABELS[row.kind],
      ...(withStatus ? [OFFER_STATUS_LABELS[row.status]] : []),
      eligibleKindsFr(row.eligibleKinds),
      row.membersThisYear,
      row.membersLastYear,
    ]),
  );
}

export const SUBSCRIPTION_STATUS_LABELS = {
  requested: "Demandée",
  active: "Active",
  rejected: "Refusée",
  withdrawn: "Retirée",
} as const;

export interface SubscriberCsvRow {
  organisationName: string;
  siren: string;
  status: keyof typeof SUBSCRIPTION_STATUS_LABELS;
  startsOn: string | null;
  endsOn: string | null;
  optionLabels: string[];
  units: string;
}

const frenchDate = (iso: string | null) => (iso ? iso.split("-").reverse().join("/") : "");

export function subscribersCsv(rows: readonly SubscriberCsvRow[]): string {
  return toCsv(
    ["Organisation", "SIREN", "Statut", "Depuis", "Jusqu'au", "Options", "Unités déclarées"],
    rows.map((row) => [
      row.organisationName,
      row.siren,
      SUBSCRIPTION_STATUS_LABELS[row.status],
      frenchDate(row.startsOn),
      frenchDate(row.endsOn),
      row.optionLabels.join(", "),
      row.units,
    ]),
  );
}
