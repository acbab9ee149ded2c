import { createRequire } from "node:module";
import { z } from "zod";
import { isValidInseeCode, isValidSiren } from "../../app/domain/siren.ts";
import type { ReferenceMember } from "../../app/domain/territory-sync.ts";

// INSEE legal populations shipped by each major version of
// @etalab/decoupage-administratif: the year they are in force (the package README's table).
const POPULATION_YEAR_BY_MAJOR: Record<number, number> = { 6: 2026 };

const siren = z.string().refine(isValidSiren, "invalid SIREN");
const memberSchema = z.object({
  code: z.string().refine(isValidInseeCode, "invalid INSEE code"),
  siren,
  nom: z.string().min(1),
  populationTotale: z.number().int().nonnegative(),
  populationMunicipale: z.number().int().nonnegative(),
});
const epciSchema = z.object({
  code: siren,
  nom: z.string().min(1),
  type: z.string(),
  populationTotale: z.number().int().nonnegative(),
  populationMunicipale: z.number().int().nonnegative(),
  membres: z.array(memberSchema).min(1),
});

export interface ReferenceEpci {
  siren: string;
  name: string;
  populationTotal: number;
  populationMunicipal: number;
  members: ReferenceMember[];
}

export interface TerritoryReference {
  year: number;
  source: string;
  epcis: Map<string, ReferenceEpci>;
}

export function loadTerritoryReference(): TerritoryReference {
  const require = createRequire(import.meta.url);
  const { version } = require("@etalab/decoupage-administratif/package.json") as {
    version: string;
  };
  const year = POPULATION_YEAR_BY_MAJOR[Number.parseInt(version, 10)];
  if (year === undefined) {
    throw new Error(
      `@etalab/decoupage-administratif ${version}: unknown population year; add it to POPULATION_YEAR_BY_MAJOR`,
    );
  }
  const raw: unknown = require("@etalab/decoupage-administratif/data/epci.json");
  const epcis = z.array(epciSchema).parse(raw);
  return {
    year,
    source: `INSEE, populations légales en vigueur en ${year} (@etalab/decoupage-administratif ${version})`,
    epcis: new Map(
      epcis.map((epci) => [
        epci.code,
        {
          siren: epci.code,
          name: epci.nom,
          populationTotal: epci.populationTotale,
          populationMunicipal: epci.populationMunicipale,
          members: epci.membres.map((member) => ({
            siren: member.siren,
            inseeCode: member.code,
            name: member.nom,
            populationTotal: member.populationTotale,
            populationMunicipal: member.populationMunicipale,
          })),
        },
      ]),
    ),
  };
}
