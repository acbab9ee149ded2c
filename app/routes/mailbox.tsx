import { data } from "react-router";
import { servicesContext } from "~/context.server";
import type { Route } from "./+types/mailbox";

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: "Europe/Paris",
});

/** Demo only: the mail the portal sent, so that a first-time user can follow their links. */
export async function loader({ context }: Route.LoaderArgs) {
  const { mailbox } = context.get(servicesContext);
  if (!mailbox) throw data(null, { status: 404 });
  const mails = await mailbox.read();
  return {
    mails: mails.slice(0, 50).map((mail) => ({ ...mail, sentAt: dateTime.format(new Date(mail.sentAt)) })),
  };
}

function withLinks(text: string) {
  return text.split(/(https?:\/\/\S+)/).map((part, index) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text never move
      <a key={index} href={part}>
        {part}
      </a>
    ) : (
      part
    ),
  );
}

export default function Mailbox({ loaderData: { mails } }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>Boîte mail de démonstration — Coopérative de services</title>
      <h1>Boîte mail de démonstration</h1>
      <p className="lead">
        Sans clé Resend, le portail de démonstration n'envoie aucun courriel : il les garde ici, pour que vous puissiez
        suivre les liens de connexion et d'invitation. Cette page n'existe pas en production.
      </p>
      {mails.length === 0 ? (
        <div className="empty-state">
          <p>Aucun courriel pour l'instant.</p>
        </div>
      ) : (
        <ul className="mail-list">
          {mails.map((mail) => (
            <li key={mail.id} className="panel">
              <h2>{mail.subject}</h2>
              <p className="muted">
                À {mail.to}, le {mail.sentAt}
              </p>
              <pre className="mail-text">{withLinks(mail.text)}</pre>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
