import { data, Form, Link, redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { clientMeta } from "~/auth/guards.server";
import { catalogueViewer } from "~/catalogue.server";
import { NEW_OFFER_VALUES, OfferFields } from "~/components/offer-fields";
import { requestScopeContext } from "~/context.server";
import { offerFormValues, parseOfferForm } from "~/domain/catalogue";
import { createOffer, listCategories } from "~/queries/offers.server";
import type { Route } from "./+types/offer-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const categories = await context
    .get(requestScopeContext)
    .transaction((trx) => listCategories(trx, viewer.cooperativeId));
  return { categories: categories.map(({ id, name }) => ({ id, name })) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const values = offerFormValues(await request.formData());
  const parsed = parseOfferForm(values);
  if (!parsed.ok) return data({ values, errors: parsed.errors }, { status: 400 });
  const outcome = await context.get(requestScopeContext).transaction(async (trx) => {
    const created = await createOffer(trx, viewer.cooperativeId, parsed.data);
    if (created !== "unknown_category") {
      await recordEvent(trx, {
        action: "offer.created",
        cooperativeId: viewer.cooperativeId,
        actorUserId: viewer.userId,
        subject: parsed.data.title,
        details: { offerId: created.id },
        ipAddress: clientMeta(context, request).ipAddress,
      });
    }
    return created;
  });
  if (outcome === "unknown_category") {
    return data({ values, errors: { categoryId: "Choisissez une catégorie de la liste." } }, { status: 400 });
  }
  return redirect(`/catalogue/${outcome.id}/modifier?creee=1`);
}

export default function NewOffer({ loaderData, actionData }: Route.ComponentProps) {
  return (
    <div className="page page--narrow">
      <title>Nouvelle offre — Catalogue</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/catalogue">Catalogue</Link> <span aria-hidden="true">›</span> <span>Nouvelle offre</span>
      </nav>
      <h1>Nouvelle offre</h1>
      <p className="muted">L'offre est créée en brouillon : les membres ne la voient qu'une fois publiée.</p>
      <Form method="post" className="panel stacked-form" noValidate>
        {actionData ? (
          <p className="form-error" role="alert">
            Le formulaire contient des erreurs : corrigez les champs signalés.
          </p>
        ) : null}
        <OfferFields
          values={actionData?.values ?? NEW_OFFER_VALUES}
          errors={actionData?.errors ?? {}}
          categories={loaderData.categories}
        />
        <div className="inline-actions">
          <button type="submit">Créer le brouillon</button>
          <Link to="/catalogue">Annuler</Link>
        </div>
      </Form>
    </div>
  );
}
