/** Query strings of the /dashboard routes. */
import { z } from 'zod';
import { queryInt, userIdField } from './common.js';

export const dashboardQuery = z.object({
  limit: queryInt(1, 500).optional(),
  hours: queryInt(1, 24 * 90).optional(),
  bucket: z
    .enum(['hour', 'day'])
    .optional()
    .describe('timeline buckets: UTC hours ("HH:00", default) or days ("YYYY-MM-DD")'),
  user_id: userIdField,
});
