import type { Transaction } from "kysely";
import { data, Form, Link, useSearchParams } from "react-router";
import { z } from "zod";
import { recordEvent } from "~/audit.server";
import { clientMeta } from "~/auth/guards.server";
import { catalogueViewer } from "~/catalogue.server";
import { requestScopeContext } from "~/context.server";
import { plural } from "~/domain/format";
import {
  addCategory,
  deleteCategory,
  ensureDefaultCategories,
  listCategories,
  moveCategory,
  renameCategory,
} from "~/queries/offers.server";
import type { DB } from "../../db/schema.ts";
import type { Route } from "./+types/offer-categories";

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  return context.get(requestScopeContext).transaction(async (trx) => {
    // A cooperative without categories starts from the four of the coopérative de services.
    const seeded = await ensureDefaultCategories(trx, viewer.cooperativeId);
    if (seeded) {
      await recordEvent(trx, {
        action: "offer.categories_changed",
        cooperativeId: viewer.cooperativeId,
        actorUserId: viewer.userId,
        subject: "Catégories par défaut",
        details: { change: "defaults" },
        ipAddress: clientMeta(context, request).ipAddress,
      });
    }
    return { categories: await listCategories(trx, viewer.cooperativeId) };
  });
}

const name = z.string().trim().min(1, "Indiquez le nom de la catégorie.").max(120, "120 caractères au plus.");
const id = z.uuid();

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const categoryId = id.safeParse(form.get("id"));
  const submittedName = String(form.get("name") ?? "");
  const audit = (trx: Transaction<DB>, subject: string, change: string) =>
    recordEvent(trx, {
      action: "offer.categories_changed",
      cooperativeId: viewer.cooperativeId,
      actorUserId: viewer.userId,
      subject,
      details: { change },
      ipAddress: clientMeta(context, request).ipAddress,
    });
  const scope = context.get(requestScopeContext);

  if (intent === "add" || intent === "rename") {
    const parsed = name.safeParse(submittedName);
    if (!parsed.success || (intent === "rename" && !categoryId.success)) {
      return data(
        {
          intent,
          id: categoryId.data ?? null,
          name: submittedName,
          error: parsed.error?.issues[0]?.message ?? "Catégorie introuvable.",
        },
        { status: 400 },
      );
    }
    const outcome = await scope.transaction(async (trx) => {
      const result =
        intent === "add"
          ? await addCategory(trx, viewer.cooperativeId, parsed.data)
          : await renameCategory(trx, viewer.cooperativeId, categoryId.data as string, parsed.data);
      if (result !== "duplicate" && result !== "missing") await audit(trx, parsed.data, intent);
      return result;
    });
    if (outcome === "missing") throw data(null, { status: 404 });
    if (outcome === "duplicate") {
      return data(
        { intent, id: categoryId.data ?? null, name: submittedName, error: "Une catégorie porte déjà ce nom." },
        { status: 400 },
      );
    }
    return {
      done: intent === "add" ? `Catégorie « ${parsed.data} » ajoutée.` : `Catégorie renommée en « ${parsed.data} ».`,
    };
  }

  if ((intent === "up" || intent === "down" || intent === "delete") && categoryId.success) {
    const outcome = await scope.transaction(async (trx) => {
      if (intent === "delete") {
        const deleted = await deleteCategory(trx, viewer.cooperativeId, categoryId.data);
        if (deleted) await audit(trx, deleted.name, "delete");
        return deleted
          ? `Catégorie « ${deleted.name} » supprimée${deleted.offers > 0 ? ` : ${plural(deleted.offers, "offre")} sans catégorie désormais` : ""}.`
          : null;
      }
      const moved = await moveCategory(trx, viewer.cooperativeId, categoryId.data, intent);
      if (moved) await audit(trx, categoryId.data, intent);
      return moved ? "Ordre enregistré." : null;
    });
    if (outcome === null) throw data(null, { status: 404 });
    return { done: outcome };
  }
  return data({ intent, id: null, name: submittedName, error: "Action inconnue." }, { status: 400 });
}

export default function OfferCategories({ loaderData, actionData }: Route.ComponentProps) {
  const { categories } = loaderData;
  const [search] = useSearchParams();
  const deleting = categories.find((category) => category.id === search.get("supprimer"));
  const renaming = categories.find((category) => category.id === search.get("renommer"));
  const failed = actionData && "error" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData.done : null;
  return (
    <div className="page page--narrow">
      <title>Catégories — Catalogue</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/catalogue">Catalogue</Link> <span aria-hidden="true">›</span> <span>Catégories</span>
      </nav>
      <h1>Catégories du catalogue</h1>
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}
      {deleting && !done ? (
        <Form method="post" action="/catalogue/categories" className="panel">
          <p>
            Supprimer la catégorie <strong>{deleting.name}</strong> ? Ses offres restent, sans catégorie.
          </p>
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="id" value={deleting.id} />
          <div className="inline-actions">
            <button type="submit">Confirmer la suppression</button>
            <Link to="/catalogue/categories">Annuler</Link>
          </div>
        </Form>
      ) : null}
      {categories.length === 0 ? (
        <div className="empty-state">
          <p>Aucune catégorie : ajoutez la première ci-dessous.</p>
        </div>
      ) : (
        <ol className="category-list">
          {categories.map((category, index) => (
            <li key={category.id}>
              {renaming?.id === category.id || (failed?.intent === "rename" && failed.id === category.id) ? (
                <Form method="post" action="/catalogue/categories" className="inline-actions">
                  <input type="hidden" name="intent" value="rename" />
                  <input type="hidden" name="id" value={category.id} />
                  <label htmlFor={`name-${category.id}`} className="visually-hidden">
                    Nouveau nom
                  </label>
                  <input
                    id={`name-${category.id}`}
                    name="name"
                    defaultValue={failed?.intent === "rename" ? failed.name : category.name}
                    aria-invalid={failed?.intent === "rename" ? true : undefined}
                    aria-describedby={failed?.intent === "rename" ? "rename-erreur" : undefined}
                  />
                  <button type="submit">Renommer</button>
                  <Link to="/catalogue/categories">Annuler</Link>
                  {failed?.intent === "rename" ? (
                    <p id="rename-erreur" className="field-error">
                      {failed.error}
                    </p>
                  ) : null}
                </Form>
              ) : (
                <span className="inline-actions">
                  <span>{category.name}</span>
                  <Form method="post" action="/catalogue/categories">
                    <input type="hidden" name="id" value={category.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="up"
                      disabled={index === 0}
                      aria-label={`Monter ${category.name}`}
                    >
                      ↑
                    </button>
                    <button
                      type="submit"
                      name="intent"
                      value="down"
                      disabled={index === categories.length - 1}
                      aria-label={`Descendre ${category.name}`}
                    >
                      ↓
                    </button>
                  </Form>
                  <Link to={`?renommer=${category.id}`}>Renommer</Link>
                  <Link to={`?supprimer=${category.id}`}>Supprimer…</Link>
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      <Form method="post" action="/catalogue/categories" className="panel stacked-form" noValidate>
        <input type="hidden" name="intent" value="add" />
        <label htmlFor="new-category">Nouvelle catégorie</label>
        <input
          id="new-category"
          name="name"
          maxLength={120}
          defaultValue={failed?.intent === "add" ? failed.name : ""}
          aria-invalid={failed?.intent === "add" ? true : undefined}
          aria-describedby={failed?.intent === "add" ? "add-erreur" : undefined}
        />
        {failed?.intent === "add" ? (
          <p id="add-erreur" className="field-error">
            {failed.error}
          </p>
        ) : null}
        <button type="submit">Ajouter</button>
      </Form>
    </div>
  );
}
