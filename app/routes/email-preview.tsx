import { data, Link } from "react-router";
import { EMAIL_PREVIEWS } from "../../emails/render.tsx";
import type { Route } from "./+types/email-preview";

type PreviewName = keyof typeof EMAIL_PREVIEWS;

/** Development only: every mail template rendered with its preview props (HTML, or its text part). */
export async function loader({ params, request }: Route.LoaderArgs) {
  if (!import.meta.env.DEV) throw data(null, { status: 404 });
  if (!params.name) return { names: Object.keys(EMAIL_PREVIEWS) };
  const preview = EMAIL_PREVIEWS[params.name as PreviewName];
  if (!preview) throw data(null, { status: 404 });
  const { html, text } = await preview();
  const asText = new URL(request.url).searchParams.has("texte");
  return new Response(asText ? text : html, {
    headers: { "Content-Type": `${asText ? "text/plain" : "text/html"}; charset=utf-8` },
  });
}

export default function EmailPreview({ loaderData }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>Aperçu des courriels — Coopérative de services</title>
      <h1>Aperçu des courriels</h1>
      <ul>
        {loaderData.names.map((name) => (
          <li key={name}>
            <Link to={`/apercu-courriels/${name}`} reloadDocument>
              {name}
            </Link>{" "}
            (
            <Link to={`/apercu-courriels/${name}?texte`} reloadDocument>
              texte
            </Link>
            )
          </li>
        ))}
      </ul>
    </div>
  );
}
