import { describe, expect, it } from "vitest";
import { type ExistingMember, isEmptyPlan, planTerritorySync, type ReferenceMember } from "./territory-sync.ts";

const member = (siren: string, name: string, inseeCode = `34${siren.slice(-3)}`): ReferenceMember => ({
  siren,
  name,
  inseeCode,
  populationTotal: 100,
  populationMunicipal: 90,
});
const existing = (
  siren: string,
  name: string,
  inactiveSince: string | null = null,
  territoryMember = true,
): ExistingMember => ({
  id: `id-${siren}`,
  siren,
  name,
  inseeCode: `34${siren.slice(-3)}`,
  inactiveSince,
  territoryMember,
});

describe("planTerritorySync", () => {
  it("adds every commune on a first import, ordered by SIREN", () => {
    const plan = planTerritorySync([], [member("213400002", "B"), member("213400001", "A")]);
    expect(plan.added.map((added) => added.siren)).toEqual(["213400001", "213400002"]);
    expect(isEmptyPlan(plan)).toBe(false);
  });

  it("changes nothing when the reference matches", () => {
    const plan = planTerritorySync([existing("213400001", "A")], [member("213400001", "A")]);
    expect(isEmptyPlan(plan)).toBe(true);
  });

  it("renames, reactivates and deactivates by SIREN, never by name", () => {
    const plan = planTerritorySync(
      [existing("213400001", "Ancien nom"), existing("213400002", "B", "2025-01-01"), existing("213400003", "C")],
      [member("213400001", "Nouveau nom"), member("213400002", "B")],
    );
    expect(plan.updated).toEqual([
      {
        id: "id-213400001",
        siren: "213400001",
        name: "Nouveau nom",
        previousName: "Ancien nom",
        previousInseeCode: "34001",
        inseeCode: "34001",
      },
    ]);
    expect(plan.reactivated).toEqual([{ id: "id-213400002", siren: "213400002", name: "B" }]);
    expect(plan.deactivated).toEqual([{ id: "id-213400003", siren: "213400003", name: "C" }]);
    expect(plan.added).toEqual([]);
  });

  it("reports a changed INSEE code (a merger keeping the SIREN)", () => {
    const plan = planTerritorySync([existing("213400001", "A")], [member("213400001", "A", "34999")]);
    expect(plan.updated).toMatchObject([{ previousInseeCode: "34001", inseeCode: "34999", previousName: "A" }]);
  });

  it("leaves members added by hand alone, and adopts them once the reference lists them", () => {
    const partner = existing("213400009", "Commune partenaire", null, false);
    expect(isEmptyPlan(planTerritorySync([partner], []))).toBe(true);
    const plan = planTerritorySync([partner], [member("213400009", "Commune partenaire", "34009")]);
    expect(plan.adopted).toEqual([{ id: "id-213400009", siren: "213400009", name: "Commune partenaire" }]);
    expect(plan.added).toEqual([]);
  });

  it("leaves an inactive commune that is still unlisted alone", () => {
    const plan = planTerritorySync([existing("213400003", "C", "2025-01-01", false)], []);
    expect(isEmptyPlan(plan)).toBe(true);
  });
});
