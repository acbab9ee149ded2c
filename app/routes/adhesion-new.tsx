import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import { type Actor, raceRefusal, requestAdhesion, type StepFailure, type UploadedFile } from "~/adhesions.server";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { ChoiceFields, readChoices } from "~/components/adhesion-fields";
import { Field } from "~/components/field";
import { requestScopeContext, servicesContext } from "~/context.server";
import { parisToday } from "~/domain/format";
import {
  type FieldErrors,
  MAX_DOCUMENT_BYTES,
  requestRefusal,
  TAKES_EFFECT_LABELS,
  unitFields,
} from "~/domain/subscription-rules";
import {
  findOfferForSubscription,
  findOrganisationKind,
  findPricingInYear,
  listOrganisationOfferSubscriptions,
} from "~/queries/subscriptions.server";
import type { Route } from "./+types/adhesion-new";

const NOT_FOUND = "Offre introuvable.";

function offerIdOf(request: Request): string {
  const parsed = z.uuid().safeParse(new URL(request.url).searchParams.get("offre"));
  if (!parsed.success) throw data({ message: NOT_FOUND }, { status: 404 });
  return parsed.data;
}

/** The request form of an offer for the referent's organisation, or why it cannot be requested. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "subscriptions.request");
  const offerId = offerIdOf(request);
  const today = parisToday(new Date());
  return context.get(requestScopeContext).transaction(async (trx) => {
    const offer = await findOfferForSubscription(trx, offerId, who.cooperativeId as string);
    // Members never see a draft or an archived offer: the same 404 as another cooperative's (decision 013).
    const hidden = offer?.status === "draft" || (offer?.status === "archived" && who.role !== "operator_admin");
    if (!offer || hidden) throw data({ message: NOT_FOUND }, { status: 404 });
    const kind = await findOrganisationKind(trx, who.organisationId as string);
    const existing = await listOrganisationOfferSubscriptions(trx, who.organisationId as string, offer.id);
    const year = Number(today.slice(0, 4)) + (offer.takesEffect === "next_january" ? 1 : 0);
    const pricing =
      (await findPricingInYear(trx, offer.id, year)) ?? (await findPricingInYear(trx, offer.id, year - 1));
    const open = existing.find(
      (subscription) => subscription.status === "requested" || subscription.status === "active",
    );
    return {
      offer: {
        id: offer.id,
        title: offer.title,
        options: offer.options,
        requiresCouncilDecision: offer.requiresCouncilDecision,
        requiresApproval: offer.requiresApproval,
        takesEffect: TAKES_EFFECT_LABELS[offer.takesEffect],
        noticeMonths: offer.noticeMonths,
        rulebook: offer.currentRulebook,
      },
      units: unitFields(pricing),
      refusal: kind ? requestRefusal(offer, kind, existing, today) : NOT_FOUND,
      existingId: open?.id ?? null,
      today,
    };
  });
}

export async function action({ request, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "subscriptions.request");
  const offerId = offerIdOf(request);
  const form = await request.formData();
  const choices = readChoices(form);
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.slice(0, 200) : "";
  };
  const values = {
    ...choices,
    councilNumber: text("councilNumber"),
    councilDate: text("councilDate"),
    rulebookVersionId: text("rulebook") || null,
  };
  const file = form.get("councilDocument");
  let document: UploadedFile | null = null;
  let fileError: string | null = null;
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_DOCUMENT_BYTES) fileError = "Le fichier dépasse 5 Mo : joignez une version plus légère.";
    else document = { name: file.name, type: file.type, bytes: new Uint8Array(await file.arrayBuffer()) };
  }
  const actor: Actor = {
    context: who as Actor["context"],
    publicUrl: context.get(servicesContext).publicUrl,
    ipAddress: clientMeta(context, request).ipAddress,
  };
  const outcome = await context
    .get(requestScopeContext)
    .transaction(async (trx) => {
      const result = await requestAdhesion(trx, actor, { offerId, draft: values, document });
      // Nothing may be written when the file was refused before reading it.
      if (result.ok && fileError) throw new RefusedFile();
      return result;
    })
    .catch((error: unknown): StepFailure => {
      if (error instanceof RefusedFile) return { ok: false, status: 400, errors: {} } satisfies StepFailure;
      // Two requests (or joins) at once: the second meets the one-open-request index (or the overlap trigger).
      const refusal = raceRefusal(error, "request");
      if (refusal) return refusal;
      throw error;
    });
  if (!outcome.ok) {
    if (outcome.status === 404) throw data({ message: outcome.message ?? NOT_FOUND }, { status: 404 });
    const errors = { ...(outcome.errors ?? {}), ...(fileError ? { councilDocument: fileError } : {}) };
    return data(
      { values, errors, message: outcome.message ?? null, hadFile: file instanceof File && file.size > 0 },
      { status: 400 },
    );
  }
  return redirect(`/adhesions/${outcome.id}?${outcome.active ? "active=1" : "demande=1"}`);
}

class RefusedFile extends Error {}

export default function NewAdhesion({ loaderData, actionData }: Route.ComponentProps) {
  const { offer, units, refusal, existingId, today } = loaderData;
  const values = actionData?.values ?? {
    optionKeys: [],
    units: {},
    councilNumber: "",
    councilDate: "",
    rulebookVersionId: null,
  };
  const errors: FieldErrors = actionData?.errors ?? {};
  return (
    <div className="page page--narrow">
      <title>{`Demander l'adhésion à ${offer.title} — Coopérative de services`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/adhesions">Adhésions</Link> <span aria-hidden="true">›</span> <span>Nouvelle demande</span>
      </nav>
      <h1>Demander l'adhésion à « {offer.title} »</h1>
      <p className="lead">
        {offer.requiresApproval
          ? `L'opérateur examine la demande ; une fois acceptée, l'adhésion prend effet ${offer.takesEffect}.`
          : "Cette offre ne demande pas d'accord de l'opérateur : l'adhésion est active dès l'envoi."}{" "}
        Préavis pour en sortir : {offer.noticeMonths} mois.
      </p>
      {refusal ? (
        <div className="panel" role="alert">
          <p>{refusal}</p>
          <p>
            {existingId ? (
              <Link to={`/adhesions/${existingId}`}>Voir l'adhésion</Link>
            ) : (
              <Link to="/adhesions">Retour aux adhésions</Link>
            )}
          </p>
        </div>
      ) : (
        <Form method="post" encType="multipart/form-data" className="panel stacked-form" noValidate>
          {actionData ? (
            <p className="form-error" role="alert">
              {actionData.message ?? "Le formulaire contient des erreurs : corrigez les champs signalés."}
              {actionData.hadFile ? " Le fichier joint n'a pas été conservé : choisissez-le à nouveau." : null}
            </p>
          ) : null}
          <ChoiceFields options={offer.options} units={units} values={values} errors={errors} />
          <fieldset className="field">
            <legend>Délibération du conseil{offer.requiresCouncilDecision ? " (exigée)" : " (facultative)"}</legend>
            <Field name="councilNumber" label="Numéro de la délibération" error={errors.councilNumber}>
              {(describedBy) => (
                <input
                  id="councilNumber"
                  name="councilNumber"
                  maxLength={60}
                  defaultValue={values.councilNumber}
                  aria-invalid={errors.councilNumber ? true : undefined}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <Field name="councilDate" label="Date de la délibération" error={errors.councilDate}>
              {(describedBy) => (
                <input
                  id="councilDate"
                  name="councilDate"
                  type="date"
                  max={today}
                  defaultValue={values.councilDate}
                  aria-invalid={errors.councilDate ? true : undefined}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
            <Field
              name="councilDocument"
              label="Délibération signée (PDF, 5 Mo au plus, facultatif)"
              error={errors.councilDocument}
            >
              {(describedBy) => (
                <input
                  id="councilDocument"
                  name="councilDocument"
                  type="file"
                  accept="application/pdf"
                  aria-invalid={errors.councilDocument ? true : undefined}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
          </fieldset>
          {offer.rulebook ? (
            <div className="field">
              <div className="checkbox-field">
                <input
                  type="checkbox"
                  id="rulebook"
                  name="rulebook"
                  value={offer.rulebook.id}
                  defaultChecked={values.rulebookVersionId === offer.rulebook.id}
                  aria-invalid={errors.rulebook ? true : undefined}
                  aria-describedby={errors.rulebook ? "rulebook-erreur" : undefined}
                />
                <label htmlFor="rulebook">
                  J'accepte, pour mon organisation, la version {offer.rulebook.version} du règlement de l'offre.
                </label>
              </div>
              {errors.rulebook ? (
                <p id="rulebook-erreur" className="field-error">
                  {errors.rulebook}
                </p>
              ) : null}
            </div>
          ) : null}
          <button type="submit">{offer.requiresApproval ? "Envoyer la demande" : "Adhérer"}</button>
          <Link to="/adhesions">Annuler</Link>
        </Form>
      )}
    </div>
  );
}
