import { sql, type Transaction } from "kysely";
import type { DB, MeetingStatus } from "../../db/schema.ts";

type Trx = Transaction<DB>;

export interface NetworkAccess {
  id: string;
  cooperativeId: string;
  offerId: string;
  /** The network's name: its offer's title. */
  name: string;
  description: string;
  /** The asking user manages it: an operator admin of its cooperative, or one of its leads (app_manages_network). */
  manages: boolean;
}

/**
 * A network as the asking user sees it (RLS: only its cooperative's), and whether the user manages it; null when
 * it does not exist or is out of sight (answer 404). The one place routes learn whether someone leads a network.
 */
export async function networkAccess(trx: Trx, networkId: string): Promise<NetworkAccess | null> {
  if (!isUuid(networkId)) return null;
  const row = await trx
    .selectFrom("networks as n")
    .innerJoin("offers as o", "o.id", "n.offer_id")
    .select([
      "n.id",
      "n.cooperative_id",
      "n.offer_id",
      "n.description",
      "o.title",
      sql<boolean>`app_manages_network(n.id)`.as("manages"),
    ])
    .where("n.id", "=", networkId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    cooperativeId: row.cooperative_id,
    offerId: row.offer_id,
    name: row.title,
    description: row.description,
    manages: row.manages,
  };
}

export interface MeetingAccess {
  id: string;
  networkId: string;
  networkName: string;
  cooperativeId: string;
  status: MeetingStatus;
  manages: boolean;
}

/** A meeting as the asking user sees it (drafts: its managers only), or null (answer 404). */
export async function meetingAccess(trx: Trx, meetingId: string): Promise<MeetingAccess | null> {
  if (!isUuid(meetingId)) return null;
  const row = await trx
    .selectFrom("meetings as m")
    .innerJoin("networks as n", "n.id", "m.network_id")
    .innerJoin("offers as o", "o.id", "n.offer_id")
    .select([
      "m.id",
      "m.network_id",
      "m.cooperative_id",
      "m.status",
      "o.title",
      sql<boolean>`app_manages_network(m.network_id)`.as("manages"),
    ])
    .where("m.id", "=", meetingId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    networkId: row.network_id,
    networkName: row.title,
    cooperativeId: row.cooperative_id,
    status: row.status,
    manages: row.manages,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
