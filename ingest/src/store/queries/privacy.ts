/** Read model for start-up checks of the privacy keys. */
import type { Queryable } from '../db';

/** Whether any stored call carries a caller hash (answered from the partial index on caller_hash). */
export async function callerHashesExist(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM calls WHERE caller_hash IS NOT NULL) AS found');
  return rows[0]?.found === true;
}
