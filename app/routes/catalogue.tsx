import { Link } from "react-router";
import { loadCatalogue } from "~/catalogue.server";
import { OffersTable } from "~/components/offers-table";
import type { Route } from "./+types/catalogue";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { viewer, query, offers, categories } = await loadCatalogue(context, request, { allRows: false });
  return {
    query,
    offers,
    categories: categories.map(({ id, name }) => ({ id, name })),
    year: viewer.year,
    manages: viewer.manages,
    isMember: viewer.isMember,
  };
}

export default function Catalogue({ loaderData }: Route.ComponentProps) {
  const { query, offers, categories, year, manages, isMember } = loaderData;
  return (
    <div className="page">
      <title>Catalogue — Coopérative de services</title>
      <div className="section-heading">
        <h1 id="offres">Catalogue des offres</h1>
        {manages ? (
          <span className="inline-actions">
            <Link to="/catalogue/nouvelle" className="button-link">
              Nouvelle offre
            </Link>
            <Link to="/catalogue/categories">Catégories</Link>
          </span>
        ) : null}
      </div>
      <p className="muted">
        Ce que la coopérative propose à ses membres. Le nombre de membres adhérents compte les organisations qui
        adhèrent au moins un jour de l'année.
      </p>
      <OffersTable
        offers={offers}
        query={query}
        categories={categories}
        year={year}
        seesAllStatuses={manages}
        isMember={isMember}
      />
    </div>
  );
}
