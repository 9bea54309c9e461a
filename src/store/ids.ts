/**
 * Memory ids are lower-case UUIDs. PostgreSQL stores them as `uuid`; SQLite compares text, so
 * both accept only the lower-case spelling for new rows and treat any other spelling as another id.
 */
const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isLowerUuid(id: string): boolean {
  return LOWER_UUID.test(id);
}
