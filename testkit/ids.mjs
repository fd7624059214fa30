// Stable, UUID-shaped ids derived from a seed (executions, requests, events, messages), so two runs
// of the same scenario produce the same ids.
import { createHash } from 'node:crypto';

/** A stable UUID-shaped id for a seed. */
export function uuidOf(seed) {
  return createHash('sha256').update(seed).digest('hex').slice(0, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
}
