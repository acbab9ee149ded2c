// Files of a network (a meeting's document, a minutes' attachment): PDF, ODT or DOCX, 5 MB at most. Pure.

export const MAX_NETWORK_FILE_BYTES = 5 * 1024 * 1024;

const TYPES = {
  pdf: { contentType: "application/pdf", magic: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  // OpenDocument and Office Open XML are ZIP archives.
  odt: { contentType: "application/vnd.oasis.opendocument.text", magic: [0x50, 0x4b, 0x03, 0x04] },
  docx: {
    contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    magic: [0x50, 0x4b, 0x03, 0x04],
  },
} as const;

export type NetworkFileType = keyof typeof TYPES;

/** The accept attribute of the file input. */
export const NETWORK_FILE_ACCEPT = [
  ...Object.keys(TYPES).map((extension) => `.${extension}`),
  ...Object.values(TYPES).map((type) => type.contentType),
].join(",");

export type AttachmentCheck = { ok: true; filename: string; contentType: string } | { ok: false; message: string };

/**
 * Whether an uploaded file may be attached: its extension names an accepted type and its first bytes agree (the
 * type the browser claims is not trusted). Gives the name to store (no path, no control character) and the
 * content type to serve it with.
 */
export function checkAttachment(
  file: { name: string; bytes: Uint8Array },
  fallbackName = "compte-rendu",
): AttachmentCheck {
  if (file.bytes.length === 0) return { ok: false, message: "Le fichier est vide." };
  if (file.bytes.length > MAX_NETWORK_FILE_BYTES) {
    return { ok: false, message: "Le fichier dépasse 5 Mo : joignez une version plus légère." };
  }
  const base = (file.name.split(/[\\/]/).pop() ?? "").normalize("NFC");
  const extension = /\.([a-z]+)$/i.exec(base)?.[1]?.toLowerCase() ?? "";
  const type = Object.hasOwn(TYPES, extension) ? TYPES[extension as NetworkFileType] : null;
  if (!type?.magic.every((byte, index) => file.bytes[index] === byte)) {
    return { ok: false, message: "Joignez un fichier PDF, ODT ou DOCX." };
  }
  const stem =
    base
      .slice(0, -(extension.length + 1))
      .replace(/[^\p{L}\p{N} ._()-]/gu, "_")
      .trim()
      .slice(0, 120) || fallbackName;
  return { ok: true, filename: `${stem}.${extension}`, contentType: type.contentType };
}

/** "1,2 Mo", "830 ko". */
export function formatFileSize(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    return `${new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 }).format(bytes / 1024 / 1024)} Mo`;
  }
  return `${Math.max(1, Math.round(bytes / 1024))} ko`;
}
