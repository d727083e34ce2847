import { z } from 'zod';
import { id } from './common';

/** The `data` of `testWebhook`'s signed `webhook.ping`: not a bus event, only ever a delivery. */
export const webhookPingV1 = z.object({
  endpointId: id,
  distributorId: id,
  message: z.string(),
});
