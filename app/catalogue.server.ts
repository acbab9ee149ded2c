import { data, type RouterContextProvider } from "react-router";
import { requirePermission } from "./auth/guards.server.ts";
import { requestScopeContext } from "./context.server.ts";
import { type CatalogueQuery, parseCatalogueQuery } from "./domain/catalogue.ts";
import { parisToday } from "./domain/format.ts";
import { can, type Permission } from "./domain/permissions.ts";
import { findOffer, listCategories, listOffers, type OfferDetails } from "./queries/offers.server.ts";

/** Who looks at the catalogue: their cooperative, organisation, and what they may see. */
export function catalogueViewer(context: Readonly<RouterContextProvider>, request: Request, permission: Permission) {
  const authentication = requirePermission(context, request, permission);
  const active = authentication.active;
  // requirePermission passed: a role, hence an active membership.
  if (!active) throw data({ message: "Votre rôle ne permet pas cette action." }, { status: 403 });
  const today = parisToday();
  return {
    authentication,
    userId: authentication.user.id,
    cooperativeId: active.cooperativeId,
    organisationId: active.organisationId,
    /** Operator admins see drafts and archives. */
    manages: can(active.role, "catalogue.manage"),
    /** A member organisation (not the operator) may filter on what it has joined. */
    isMember: !active.isOperator,
    mayRequest: can(active.role, "subscriptions.request"),
    today,
    year: Number(today.slice(0, 4)),
  };
}

export type CatalogueViewer = ReturnType<typeof catalogueViewer>;

/** The catalogue list as the URL asks for it: a page, or every row (the CSV export). */
export async function loadCatalogue(
  context: Readonly<RouterContextProvider>,
  request: Request,
  { allRows }: { allRows: boolean },
) {
  const viewer = catalogueViewer(context, request, "catalogue.read");
  const query: CatalogueQuery = parseCatalogueQuery(new URL(request.url).searchParams, {
    seesAllStatuses: viewer.manages,
    isMember: viewer.isMember,
  });
  return context.get(requestScopeContext).transaction(async (trx) => {
    const offers = await listOffers(trx, {
      cooperativeId: viewer.cooperativeId,
      organisationId: viewer.isMember ? viewer.organisationId : null,
      includeUnpublished: viewer.manages,
      filters: query,
      sort: query.sort,
      descending: query.dir === "desc",
      year: viewer.year,
      today: viewer.today,
      page: query.page,
      pageSize: allRows ? null : query.size,
    });
    const categories = await listCategories(trx, viewer.cooperativeId);
    return { viewer, query: { ...query, page: offers.page }, offers, categories };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function notFound(): never {
  throw data(null, { status: 404 });
}

/** An offer of the viewer's cooperative (drafts and archives for operator admins only), or 404. */
export async function requireOffer(
  context: Readonly<RouterContextProvider>,
  viewer: CatalogueViewer,
  id: string,
): Promise<OfferDetails> {
  if (!UUID.test(id)) notFound();
  const offer = await context
    .get(requestScopeContext)
    .transaction((trx) => findOffer(trx, viewer.cooperativeId, id, { includeUnpublished: viewer.manages }));
  return offer ?? notFound();
}
