import { data, Form, Link, redirect, useSearchParams } from "react-router";
import { z } from "zod";
import { recordEvent } from "~/audit.server";
import { clientMeta } from "~/auth/guards.server";
import { catalogueViewer, notFound, requireOffer } from "~/catalogue.server";
import { OfferFields, offerValues } from "~/components/offer-fields";
import { requestScopeContext, servicesContext } from "~/context.server";
import { OFFER_STATUS_LABELS, offerFormValues, parseOfferForm } from "~/domain/catalogue";
import { plural } from "~/domain/format";
import { notify } from "~/notifications/notify.server";
import {
  allowedStatusMoves,
  currentRulebook,
  listCategories,
  publishRulebookVersion,
  referentsOfSubscribers,
  setOfferStatus,
  updateOffer,
} from "~/queries/offers.server";
import type { Route } from "./+types/offer-edit";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const offer = await requireOffer(context, viewer, params.id);
  return context.get(requestScopeContext).transaction(async (trx) => {
    const [categories, rulebook] = await Promise.all([
      listCategories(trx, viewer.cooperativeId),
      currentRulebook(trx, offer.id),
    ]);
    return {
      offer,
      categories: categories.map(({ id, name }) => ({ id, name })),
      rulebook: rulebook ? { version: rulebook.version, body: rulebook.body } : null,
      moves: allowedStatusMoves(offer.status),
    };
  });
}

const rulebookForm = z.object({
  body: z
    .string()
    .trim()
    .min(1, "Saisissez le texte du règlement.")
    .max(100_000, "Le règlement dépasse 100 000 caractères."),
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const offer = await requireOffer(context, viewer, params.id);
  const form = await request.formData();
  const intent = form.get("intent");
  const scope = context.get(requestScopeContext);
  const ipAddress = clientMeta(context, request).ipAddress;

  if (intent === "publish" || intent === "archive") {
    const status = intent === "publish" ? "published" : "archived";
    const outcome = await scope.transaction(async (trx) => {
      const result = await setOfferStatus(trx, viewer.cooperativeId, offer.id, status);
      if (result === "changed") {
        await recordEvent(trx, {
          action: intent === "publish" ? "offer.published" : "offer.archived",
          cooperativeId: viewer.cooperativeId,
          actorUserId: viewer.userId,
          subject: offer.title,
          details: { offerId: offer.id, from: offer.status },
          ipAddress,
        });
      }
      return result;
    });
    if (outcome === "missing") notFound();
    if (outcome === "not_allowed") {
      return data(
        {
          intent,
          error: `Une offre « ${OFFER_STATUS_LABELS[offer.status].toLowerCase()} » ne peut pas passer à ce statut.`,
        },
        { status: 400 },
      );
    }
    return {
      intent,
      done:
        intent === "publish"
          ? "L'offre est publiée."
          : "L'offre est archivée : plus aucune demande d'adhésion n'est possible.",
    };
  }

  if (intent === "rulebook") {
    const body = typeof form.get("body") === "string" ? (form.get("body") as string) : "";
    const parsed = rulebookForm.safeParse({ body });
    if (!parsed.success) {
      return data({ intent, body, error: parsed.error.issues[0]?.message ?? "Règlement invalide." }, { status: 400 });
    }
    const { publicUrl } = context.get(servicesContext);
    const published = await scope.transaction(async (trx) => {
      const version = await publishRulebookVersion(trx, viewer.cooperativeId, offer.id, parsed.data.body);
      const recipients = await referentsOfSubscribers(trx, offer.id, viewer.today);
      await notify(trx, publicUrl, {
        cooperativeId: viewer.cooperativeId,
        kind: "catalogue",
        recipients,
        title: `Nouveau règlement de « ${offer.title} » (version ${version.version}) à accepter`,
        body: `La métropole a publié la version ${version.version} du règlement de l'offre « ${offer.title} », à laquelle votre organisation adhère. Lisez-la et acceptez-la depuis vos adhésions.`,
        path: `/catalogue/${offer.id}#reglement`,
      });
      await recordEvent(trx, {
        action: "offer.rulebook_published",
        cooperativeId: viewer.cooperativeId,
        actorUserId: viewer.userId,
        subject: offer.title,
        details: { offerId: offer.id, version: version.version, notified: recipients.length },
        ipAddress,
      });
      return { version: version.version, notified: recipients.length };
    });
    return {
      intent,
      done: `Version ${published.version} du règlement publiée ; ${plural(published.notified, "référent")} ${published.notified > 1 ? "sont prévenus" : "est prévenu"}.`,
    };
  }

  const values = offerFormValues(
    form,
    offer.options.map((option) => option.key),
  );
  const parsed = parseOfferForm(
    values,
    offer.options.map((option) => option.key),
  );
  if (!parsed.ok) return data({ intent: "save", values, errors: parsed.errors }, { status: 400 });
  const outcome = await scope.transaction(async (trx) => {
    const result = await updateOffer(trx, viewer.cooperativeId, offer.id, parsed.data);
    if (result === "updated") {
      await recordEvent(trx, {
        action: "offer.updated",
        cooperativeId: viewer.cooperativeId,
        actorUserId: viewer.userId,
        subject: parsed.data.title,
        details: { offerId: offer.id },
        ipAddress,
      });
    }
    return result;
  });
  if (outcome === "missing") notFound();
  if (outcome === "unknown_category") {
    return data(
      { intent: "save", values, errors: { categoryId: "Choisissez une catégorie de la liste." } },
      { status: 400 },
    );
  }
  return redirect(`/catalogue/${offer.id}`);
}

export default function EditOffer({ loaderData, actionData }: Route.ComponentProps) {
  const { offer, categories, rulebook, moves } = loaderData;
  const [search] = useSearchParams();
  const confirmingArchive = search.get("archiver") === "1" && moves.includes("archived");
  const saveErrors = actionData && "values" in actionData ? actionData : null;
  const message = actionData && "done" in actionData ? actionData.done : null;
  const error = actionData && "error" in actionData ? actionData.error : null;
  const rulebookDraft: string =
    actionData && "body" in actionData && typeof actionData.body === "string"
      ? actionData.body
      : (rulebook?.body ?? "");
  return (
    <div className="page page--narrow">
      <title>{`Modifier : ${offer.title} — Catalogue`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/catalogue">Catalogue</Link> <span aria-hidden="true">›</span>{" "}
        <Link to={`/catalogue/${offer.id}`}>{offer.title}</Link> <span aria-hidden="true">›</span> <span>Modifier</span>
      </nav>
      <h1>Modifier : {offer.title}</h1>
      {search.get("creee") === "1" && !actionData ? (
        <p className="form-success" role="status">
          Brouillon créé. Complétez-le, ajoutez ses tarifs et son règlement, puis publiez-le.
        </p>
      ) : null}
      {message ? (
        <p className="form-success" role="status">
          {message}
        </p>
      ) : null}
      {error && actionData?.intent !== "rulebook" ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}

      <section className="panel" aria-labelledby="cycle">
        <h2 id="cycle">Statut : {OFFER_STATUS_LABELS[offer.status]}</h2>
        {confirmingArchive ? (
          <Form method="post" action={`/catalogue/${offer.id}/modifier`}>
            <p>
              Archiver <strong>{offer.title}</strong> ? Elle disparaît du catalogue des membres et plus aucune demande
              d'adhésion n'est possible. Les adhésions en cours et l'historique restent.
            </p>
            <input type="hidden" name="intent" value="archive" />
            <div className="inline-actions">
              <button type="submit">Confirmer l'archivage</button>
              <Link to={`/catalogue/${offer.id}/modifier`}>Annuler</Link>
            </div>
          </Form>
        ) : (
          <div className="inline-actions">
            {moves.includes("published") ? (
              <Form method="post">
                <input type="hidden" name="intent" value="publish" />
                <button type="submit">{offer.status === "archived" ? "Publier à nouveau" : "Publier l'offre"}</button>
              </Form>
            ) : null}
            {moves.includes("archived") ? <Link to="?archiver=1">Archiver l'offre…</Link> : null}
            <Link to={`/catalogue/${offer.id}/tarifs`}>Tarifs</Link>
            <Link to={`/catalogue/${offer.id}/adherents`}>Adhérents</Link>
          </div>
        )}
      </section>

      <Form method="post" className="panel stacked-form" noValidate>
        <h2>Description et conditions</h2>
        {saveErrors ? (
          <p className="form-error" role="alert">
            Le formulaire contient des erreurs : corrigez les champs signalés.
          </p>
        ) : null}
        <input type="hidden" name="intent" value="save" />
        <OfferFields
          values={saveErrors?.values ?? offerValues(offer)}
          errors={saveErrors?.errors ?? {}}
          categories={categories}
        />
        <div className="inline-actions">
          <button type="submit">Enregistrer</button>
          <Link to={`/catalogue/${offer.id}`}>Annuler</Link>
        </div>
      </Form>

      <Form method="post" className="panel stacked-form" noValidate>
        <h2 id="reglement">
          Règlement {rulebook ? `(version ${rulebook.version} en vigueur)` : "(aucune version publiée)"}
        </h2>
        <p className="muted">
          Publier une nouvelle version lui donne le numéro {(rulebook?.version ?? 0) + 1} et demande aux référents des
          organisations adhérentes de l'accepter (ils sont prévenus).
        </p>
        <input type="hidden" name="intent" value="rulebook" />
        <label htmlFor="body">Texte du règlement</label>
        <textarea
          id="body"
          name="body"
          rows={12}
          defaultValue={rulebookDraft}
          key={rulebookDraft}
          aria-invalid={error && actionData?.intent === "rulebook" ? true : undefined}
          aria-describedby={error && actionData?.intent === "rulebook" ? "body-erreur" : undefined}
        />
        {error && actionData?.intent === "rulebook" ? (
          <p id="body-erreur" className="field-error">
            {error}
          </p>
        ) : null}
        <button type="submit">Publier la version {(rulebook?.version ?? 0) + 1}</button>
      </Form>
    </div>
  );
}
