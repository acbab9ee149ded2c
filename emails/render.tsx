import { render } from "@react-email/components";
import type { ReactElement } from "react";
import { DigestEmail, digestSubject } from "./digest.tsx";
import { InvitationEmail, invitationSubject } from "./invitation.tsx";
import { MeetingEmail, meetingMailSubject } from "./meeting.tsx";
import { NotificationEmail } from "./notification.tsx";
import { PasswordResetEmail, passwordResetSubject } from "./password-reset.tsx";
import { SignInLinkEmail, signInLinkSubject } from "./sign-in-link.tsx";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** A template as a mail: its HTML and its plain-text part, from the same component. */
export async function renderEmail(subject: string, element: ReactElement): Promise<RenderedEmail> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}

/** Every template with its preview props, for the preview page. */
export const EMAIL_PREVIEWS = {
  "lien-de-connexion": () => renderEmail(signInLinkSubject, <SignInLinkEmail {...SignInLinkEmail.PreviewProps} />),
  invitation: () =>
    renderEmail(
      invitationSubject(InvitationEmail.PreviewProps.brand),
      <InvitationEmail {...InvitationEmail.PreviewProps} />,
    ),
  "nouveau-mot-de-passe": () =>
    renderEmail(passwordResetSubject, <PasswordResetEmail {...PasswordResetEmail.PreviewProps} />),
  reunion: () =>
    renderEmail(meetingMailSubject(MeetingEmail.PreviewProps), <MeetingEmail {...MeetingEmail.PreviewProps} />),
  notification: () =>
    renderEmail(NotificationEmail.PreviewProps.title, <NotificationEmail {...NotificationEmail.PreviewProps} />),
  "resume-quotidien": () =>
    renderEmail(
      digestSubject(DigestEmail.PreviewProps.brand, DigestEmail.PreviewProps.entries.length),
      <DigestEmail {...DigestEmail.PreviewProps} />,
    ),
} as const;
