/**
 * A text written as a template's parts, shared by many mails, around one mail's own pieces: parts[0], pieces[0],
 * parts[1], ..., parts[n]. A piece is a text, or a text repeated (a preview's padding). A mail so written travels to
 * the outbox as its pieces alone, the database putting the text together (app/email/outbox.server.ts): a year's
 * statement notifications are tens of thousands of 5 KB mails that differ by a few words (decision 019).
 */
export interface Assembly {
  parts: readonly string[];
  pieces: readonly Piece[];
}

export type Piece = string | { repeat: string; times: number };

export const pieceText = (piece: Piece): string =>
  typeof piece === "string" ? piece : piece.repeat.repeat(piece.times);

/** The text itself, as the database puts it together. */
export function assembleText({ parts, pieces }: Assembly): string {
  if (parts.length !== pieces.length + 1) throw new Error("an assembly has one part more than pieces");
  let text = parts[0] as string;
  for (const [index, piece] of pieces.entries()) text += pieceText(piece) + parts[index + 1];
  return text;
}
