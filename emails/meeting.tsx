import { Button, Link, Text } from "@react-email/components";
import { type Brand, button, EmailLayout, PLATFORM_BRAND, paragraph } from "./layout.tsx";

export type MeetingMailKind = "invitation" | "update" | "cancellation" | "reminder" | "promoted" | "nudge";

export interface MeetingMailProps {
  kind: MeetingMailKind;
  networkName: string;
  title: string;
  /** "jeudi 1er avril 2027, 09:30 – 12:00" (Paris time). */
  when: string;
  place: string;
  visioUrl: string;
  agenda: string[];
  /** The personal answer page (only in the first invitation: its token is never stored in clear). */
  rsvpLink: string | null;
  meetingLink: string;
  brand?: Brand;
}

const SUBJECT_PREFIX: Record<MeetingMailKind, string> = {
  invitation: "Invitation",
  update: "Modification",
  cancellation: "Annulation",
  reminder: "Rappel",
  promoted: "Place confirmée",
  nudge: "Votre réponse est attendue",
};

export const meetingMailSubject = (props: Pick<MeetingMailProps, "kind" | "networkName" | "title" | "when">) =>
  `${SUBJECT_PREFIX[props.kind]} : ${props.title} (${props.networkName}) — ${props.when}`;

const INTRO: Record<MeetingMailKind, string> = {
  invitation: "Vous êtes invité(e) à cette réunion.",
  update:
    "Cette réunion a changé : voici ses nouvelles informations (votre agenda se met à jour avec le fichier joint).",
  cancellation: "Cette réunion est annulée (le fichier joint la retire de votre agenda).",
  reminder: "Rappel de la réunion à laquelle vous êtes attendu(e).",
  promoted: "Une place s'est libérée : vous êtes inscrit(e) à cette réunion.",
  nudge: "Vous n'avez pas encore répondu à cette invitation.",
};

/** A meeting's mail: invitation (with the .ics), update, cancellation, reminder, waiting-list promotion, nudge. */
export function MeetingEmail(props: MeetingMailProps) {
  const { brand = PLATFORM_BRAND } = props;
  return (
    <EmailLayout brand={brand} preview={meetingMailSubject(props)}>
      <Text style={paragraph}>Bonjour,</Text>
      <Text style={paragraph}>{INTRO[props.kind]}</Text>
      <Text style={paragraph}>
        <strong>{props.title}</strong> — réseau {props.networkName}
        <br />
        Quand : {props.when} (heure de Paris)
        {props.place ? (
          <>
            <br />
            Où : {props.place}
          </>
        ) : null}
        {props.visioUrl ? (
          <>
            <br />
            Visio : <Link href={props.visioUrl}>{props.visioUrl}</Link>
          </>
        ) : null}
      </Text>
      {props.agenda.length > 0 && props.kind !== "cancellation" ? (
        <Text style={paragraph}>
          Ordre du jour :
          {props.agenda.map((item) => (
            <span key={item}>
              <br />• {item}
            </span>
          ))}
        </Text>
      ) : null}
      <Text style={paragraph}>
        La réunion sur le portail : <Link href={props.meetingLink}>{props.meetingLink}</Link>
      </Text>
      {props.rsvpLink ? (
        <>
          <Button href={props.rsvpLink} style={button}>
            Répondre
          </Button>
          <Text style={paragraph}>
            Ce lien personnel reste valable jusqu'à la réunion : vous pouvez changer d'avis.
            {props.kind === "nudge" ? " Il remplace celui de votre invitation." : ""} Ou copiez cette adresse :{" "}
            {props.rsvpLink}
          </Text>
        </>
      ) : props.kind !== "cancellation" ? (
        <Text style={paragraph}>
          Pour répondre ou changer d'avis : le lien de votre invitation, ou la réunion sur le portail.
        </Text>
      ) : null}
    </EmailLayout>
  );
}

MeetingEmail.PreviewProps = {
  kind: "invitation",
  networkName: "Réseau RH",
  title: "Réunion du réseau RH",
  when: "jeudi 1er avril 2027, 09:30 – 12:00",
  place: "Hôtel de Métropole, salle 3",
  visioUrl: "https://visio.example/rh",
  agenda: ["Temps de travail (30 min, C. Martin)", "Questions diverses"],
  rsvpLink: "https://portail.example/invitation/exemple",
  meetingLink: "https://portail.example/reunions/exemple",
  brand: { name: "Montpellier Méditerranée Métropole" },
} satisfies MeetingMailProps;

export default MeetingEmail;
