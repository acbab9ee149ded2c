import { data, Link } from "react-router";
import { z } from "zod";
import { MembersTable, PAGE_SIZES } from "~/components/members-table";
import { authenticationContext, requestScopeContext } from "~/context.server";
import { formatInteger, plural } from "~/domain/format";
import { POPULATION_BASIS_LABELS } from "~/domain/labels";
import { can } from "~/domain/permissions";
import { findCooperativeBySiren } from "~/queries/cooperatives.server";
import { listMembers, MEMBER_SORTS } from "~/queries/organisations.server";
import type { Route } from "./+types/cooperative";

// Search params come from people and links: a bad value falls back to its default.
const membersParams = z.object({
  q: z
    .string()
    .transform((q) => q.trim().slice(0, 100))
    .catch(""),
  sort: z.enum(MEMBER_SORTS).catch("name"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).catch(1),
  size: z.coerce
    .number()
    .refine((size) => (PAGE_SIZES as readonly number[]).includes(size))
    .catch(20),
});

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const search = new URL(request.url).searchParams;
  const query = membersParams.parse({
    q: search.get("q") ?? undefined,
    sort: search.get("sort") ?? undefined,
    dir: search.get("dir") ?? undefined,
    page: search.get("page") ?? undefined,
    size: search.get("size") ?? undefined,
  });
  return context.get(requestScopeContext).transaction(async (trx) => {
    const cooperative = await findCooperativeBySiren(trx, params.siren);
    if (!cooperative) throw data(null, { status: 404 });
    const members = await listMembers(trx, {
      cooperativeId: cooperative.id,
      search: query.q,
      sort: query.sort,
      descending: query.dir === "desc",
      page: query.page,
      pageSize: query.size,
    });
    const who = context.get(authenticationContext)?.context;
    const canManage = who?.cooperativeId === cooperative.id && can(who.role, "organisations.manage");
    return { cooperative, members, query: { ...query, page: members.page }, canManage };
  });
}

export default function Cooperative({ loaderData: { cooperative, members, query, canManage } }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>{`${cooperative.displayName} — Coopérative de services`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/">Coopératives</Link> <span aria-hidden="true">›</span> <span>{cooperative.displayName}</span>
      </nav>
      <h1>{cooperative.displayName}</h1>
      <dl className="facts">
        <div>
          <dt>Opérateur</dt>
          <dd>
            {cooperative.epciName} (SIREN {cooperative.siren})
          </dd>
        </div>
        <div>
          <dt>Membres actifs</dt>
          <dd>{plural(cooperative.activeMemberCount, "organisation")}</dd>
        </div>
        <div>
          <dt>Base de population par défaut</dt>
          <dd>
            {POPULATION_BASIS_LABELS[cooperative.defaultPopulationBasis]}
            {cooperative.population !== null && cooperative.populationYear !== null
              ? ` : ${formatInteger(cooperative.population)} habitants en ${cooperative.populationYear}`
              : null}
          </dd>
        </div>
      </dl>
      <div className="section-heading">
        <h2 id="membres">Organisations membres</h2>
        {canManage ? (
          <Link to="/organisations/nouvelle" className="button-link">
            Ajouter une organisation
          </Link>
        ) : null}
      </div>
      <MembersTable
        members={members}
        query={query}
        basisLabel={POPULATION_BASIS_LABELS[cooperative.defaultPopulationBasis]}
        editable={canManage}
      />
    </div>
  );
}
