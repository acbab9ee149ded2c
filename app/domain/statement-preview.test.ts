import { describe, expect, it } from "vitest";
import { PREVIEW_DEFAULTS, parsePreviewQuery, previewPage, previewSearch } from "./statement-preview.ts";

const members = [
  { name: "Lattes", netCents: 500, changeCents: 100 },
  { name: "Castelnau-le-Lez", netCents: 900, changeCents: null },
  { name: "Écully", netCents: 500, changeCents: -300 },
  { name: "Grabels", netCents: 200, changeCents: 0 },
  { name: "Baillargues", netCents: 700, changeCents: null },
];
const names = (rows: { name: string }[]) => rows.map((row) => row.name);

describe("the preview table's query", () => {
  it("falls back to its defaults on missing or bad values", () => {
    expect(parsePreviewQuery(new URLSearchParams())).toEqual(PREVIEW_DEFAULTS);
    expect(parsePreviewQuery(new URLSearchParams("sort=siren&dir=up&page=-2&size=13"))).toEqual(PREVIEW_DEFAULTS);
    expect(parsePreviewQuery(new URLSearchParams("sort=change&dir=desc&page=3&size=50"))).toEqual({
      sort: "change",
      dir: "desc",
      page: 3,
      size: 50,
    });
  });

  it("keeps the period in its links and leaves the defaults out", () => {
    expect(previewSearch({ year: 2026, half: null }, PREVIEW_DEFAULTS)).toBe("?annee=2026");
    expect(previewSearch({ year: 2026, half: 1 }, { ...PREVIEW_DEFAULTS, sort: "net", dir: "desc", page: 2 })).toBe(
      "?annee=2026&semestre=1&sort=net&dir=desc&page=2",
    );
  });
});

describe("a page of the preview", () => {
  const query = (sort: "member" | "net" | "change", dir: "asc" | "desc") => ({ ...PREVIEW_DEFAULTS, sort, dir });

  it("sorts members by name as French readers do (accents, case)", () => {
    expect(names(previewPage(members, query("member", "asc")).rows)).toEqual([
      "Baillargues",
      "Castelnau-le-Lez",
      "Écully",
      "Grabels",
      "Lattes",
    ]);
    expect(names(previewPage(members, query("member", "desc")).rows)[0]).toBe("Lattes");
  });

  it("sorts by net, ties by name", () => {
    expect(names(previewPage(members, query("net", "asc")).rows)).toEqual([
      "Grabels",
      "Écully",
      "Lattes",
      "Baillargues",
      "Castelnau-le-Lez",
    ]);
    expect(names(previewPage(members, query("net", "desc")).rows)).toEqual([
      "Castelnau-le-Lez",
      "Baillargues",
      "Écully",
      "Lattes",
      "Grabels",
    ]);
  });

  it("sorts by the change since last year, members without last year's amount last either way", () => {
    expect(names(previewPage(members, query("change", "asc")).rows)).toEqual([
      "Écully",
      "Grabels",
      "Lattes",
      "Baillargues",
      "Castelnau-le-Lez",
    ]);
    expect(names(previewPage(members, query("change", "desc")).rows)).toEqual([
      "Lattes",
      "Grabels",
      "Écully",
      "Baillargues",
      "Castelnau-le-Lez",
    ]);
  });

  it("cuts pages, and gives the last page for a page past the end", () => {
    const second = previewPage(members, { ...PREVIEW_DEFAULTS, size: 10, page: 1 });
    expect(second).toMatchObject({ page: 1, pageCount: 1, total: 5 });
    const paged = previewPage(
      Array.from({ length: 23 }, (_, index) => ({ name: `Commune ${index + 1}`, netCents: index, changeCents: null })),
      { ...PREVIEW_DEFAULTS, size: 10, page: 9 },
    );
    expect(paged).toMatchObject({ page: 3, pageCount: 3, total: 23 });
    expect(names(paged.rows)).toEqual(["Commune 21", "Commune 22", "Commune 23"]);
    expect(previewPage([], PREVIEW_DEFAULTS)).toMatchObject({ rows: [], page: 1, pageCount: 1, total: 0 });
  });
});
