import { describe, expect, it } from "vitest";
import { checkAttachment, formatFileSize, MAX_NETWORK_FILE_BYTES } from "./network-files.ts";

const pdf = new TextEncoder().encode("%PDF-1.7 ...");
const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);

describe("a minutes' attachment", () => {
  it("accepts a PDF, an ODT or a DOCX whose first bytes agree with the extension, with a safe name", () => {
    expect(checkAttachment({ name: "C:\\docs\\CR réunion RH <mars>.PDF", bytes: pdf })).toEqual({
      ok: true,
      filename: "CR réunion RH _mars_.pdf",
      contentType: "application/pdf",
    });
    expect(checkAttachment({ name: "cr.odt", bytes: zip })).toMatchObject({
      ok: true,
      contentType: "application/vnd.oasis.opendocument.text",
    });
    expect(checkAttachment({ name: "../../cr.docx", bytes: zip })).toMatchObject({ ok: true, filename: "cr.docx" });
    expect(checkAttachment({ name: ".pdf", bytes: pdf })).toMatchObject({ ok: true, filename: "compte-rendu.pdf" });
  });

  it("refuses another type, a file whose content is not what its name says, an empty or too large file", () => {
    const refused = { ok: false, message: "Joignez un fichier PDF, ODT ou DOCX." };
    expect(checkAttachment({ name: "cr.exe", bytes: zip })).toEqual(refused);
    expect(checkAttachment({ name: "cr.pdf", bytes: zip })).toEqual(refused);
    expect(checkAttachment({ name: "cr.docx", bytes: pdf })).toEqual(refused);
    expect(checkAttachment({ name: "cr", bytes: pdf })).toEqual(refused);
    expect(checkAttachment({ name: "cr.pdf", bytes: new Uint8Array() })).toEqual({
      ok: false,
      message: "Le fichier est vide.",
    });
    const big = new Uint8Array(MAX_NETWORK_FILE_BYTES + 1);
    big.set(pdf);
    expect(checkAttachment({ name: "cr.pdf", bytes: big })).toMatchObject({ ok: false });
  });

  it("writes sizes the French way", () => {
    expect(formatFileSize(1_258_291)).toBe("1,2 Mo");
    expect(formatFileSize(850_000)).toBe("830 ko");
    expect(formatFileSize(12)).toBe("1 ko");
  });
});
