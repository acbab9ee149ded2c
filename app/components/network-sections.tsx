import { Link } from "react-router";
import { Pagination } from "~/components/table-pagination";
import type { MeetingStatus } from "../../db/schema.ts";

// The sections of a network's page (/reseaux/:id), each its own component so that the page stays a list of them.

/** Réseaux › the network › this page. */
export function NetworkBreadcrumb({ network, page }: { network: { id: string; name: string }; page: string }) {
  return (
    <nav aria-label="Fil d'Ariane" className="breadcrumb">
      <Link to="/reseaux">Réseaux</Link> <span aria-hidden="true">›</span>{" "}
      <Link to={`/reseaux/${network.id}`}>{network.name}</Link> <span aria-hidden="true">›</span> <span>{page}</span>
    </nav>
  );
}

export interface MeetingItem {
  id: string;
  title: string;
  when: string;
  place: string;
  status: MeetingStatus;
}

const MEETING_STATUS_LABELS: Record<MeetingStatus, string> = {
  draft: "Brouillon",
  scheduled: "Convoquée",
  held: "Tenue",
  cancelled: "Annulée",
};

function MeetingList({ meetings, empty }: { meetings: MeetingItem[]; empty: string }) {
  if (meetings.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="card-list">
      {meetings.map((meeting) => (
        <li key={meeting.id}>
          <Link to={`/reunions/${meeting.id}`}>{meeting.title}</Link> — {meeting.when}
          {meeting.place ? ` — ${meeting.place}` : null}
          {meeting.status !== "scheduled" ? (
            <>
              {" "}
              <span className="badge badge--inactive">{MEETING_STATUS_LABELS[meeting.status]}</span>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function MeetingsSection({
  upcoming,
  past,
  pastPageHref,
}: {
  upcoming: MeetingItem[];
  /** One page of the past meetings, latest first. */
  past: { meetings: MeetingItem[]; page: number; pageCount: number; total: number };
  pastPageHref: (page: number) => string;
}) {
  return (
    <>
      <section aria-labelledby="reunions-a-venir">
        <h2 id="reunions-a-venir">Réunions à venir</h2>
        <MeetingList meetings={upcoming} empty="Aucune réunion prévue." />
      </section>
      <section aria-labelledby="reunions-passees">
        <h2 id="reunions-passees">Réunions passées</h2>
        {past.pageCount > 1 ? <p className="muted">{`${past.total} réunions, les plus récentes d'abord.`}</p> : null}
        <MeetingList meetings={past.meetings} empty="Aucune réunion passée." />
        {past.pageCount > 1 ? (
          <Pagination
            label="Pagination des réunions passées"
            page={past.page}
            pageCount={past.pageCount}
            pageHref={pastPageHref}
          />
        ) : null}
      </section>
    </>
  );
}

export interface PollItem {
  id: string;
  title: string;
  slots: number;
}

export function PollsSection({
  networkId,
  polls,
  manages,
}: {
  networkId: string;
  polls: PollItem[];
  manages: boolean;
}) {
  return (
    <section aria-labelledby="sondages">
      <div className="section-heading">
        <h2 id="sondages">Sondages de dates en cours</h2>
        {manages ? (
          <Link to={`/reseaux/${networkId}/sondages/nouveau`} className="button-link">
            Proposer des dates
          </Link>
        ) : null}
      </div>
      {polls.length === 0 ? (
        <p className="muted">Aucun sondage en cours.</p>
      ) : (
        <ul>
          {polls.map((poll) => (
            <li key={poll.id}>
              <Link to={`/reseaux/${networkId}/sondages/${poll.id}`}>{poll.title}</Link>{" "}
              <span className="muted">
                ({poll.slots} créneau{poll.slots > 1 ? "x" : ""})
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export interface MemberItem {
  id: string;
  name: string;
  contacts: { userId: string; displayName: string; email: string }[];
}

export function MembersSection({ members }: { members: MemberItem[] }) {
  return (
    <section aria-labelledby="membres">
      <h2 id="membres">Membres et contacts</h2>
      {members.length === 0 ? (
        <p className="muted">Aucune organisation n'adhère à ce réseau pour l'instant.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption>
              {members.length} organisation{members.length > 1 ? "s" : ""} membre{members.length > 1 ? "s" : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Organisation</th>
                <th scope="col">Contacts du réseau</th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <tr key={member.id}>
                  <th scope="row">{member.name}</th>
                  <td>
                    {member.contacts.length === 0 ? (
                      <span className="muted">Aucun contact désigné</span>
                    ) : (
                      member.contacts.map((contact, index) => (
                        <span key={contact.userId}>
                          {index > 0 ? ", " : null}
                          {contact.displayName} (<a href={`mailto:${contact.email}`}>{contact.email}</a>)
                        </span>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function LeadsSection({ leads }: { leads: { userId: string; displayName: string; email: string }[] }) {
  return (
    <section aria-labelledby="animateurs">
      <h2 id="animateurs">Animation</h2>
      {leads.length === 0 ? (
        <p className="muted">Aucun animateur désigné : les administrateurs de la coopérative animent le réseau.</p>
      ) : (
        <ul>
          {leads.map((lead) => (
            <li key={lead.userId}>
              {lead.displayName} (<a href={`mailto:${lead.email}`}>{lead.email}</a>)
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export interface DocumentItem {
  id: string;
  filename: string;
  size: string;
  meetingId: string | null;
  meetingTitle: string | null;
  addedOn: string;
}

export function DocumentsSection({ documents }: { documents: DocumentItem[] }) {
  return (
    <section aria-labelledby="documents">
      <h2 id="documents">Documents</h2>
      {documents.length === 0 ? (
        <p className="muted">Aucun document : ceux des réunions et des comptes rendus s'ajoutent ici.</p>
      ) : (
        <ul>
          {documents.map((document) => (
            <li key={document.id}>
              <a href={`/reseaux/fichiers/${document.id}`}>{document.filename}</a> ({document.size}, ajouté le{" "}
              {document.addedOn})
              {document.meetingId ? (
                <>
                  {" — "}
                  <Link to={`/reunions/${document.meetingId}`}>{document.meetingTitle}</Link>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
