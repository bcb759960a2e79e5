import { API_VERSION } from "./event-schema.ts";

export interface EventBodyInput {
  id: string;
  type: string;
  createdAt: Date;
  /** Shaped as `EVENT_BODY_SCHEMAS[type]`'s `data` (the OpenAPI document publishes those schemas). */
  data: Record<string, unknown>;
}

/**
 * Serialised once, when the event is created; the stored text is sent byte-identical on every attempt, so
 * signatures over it stay valid and receivers can dedupe on the id.
 */
export function serializeEventBody(event: EventBodyInput): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    created_at: event.createdAt.toISOString(),
    api_version: API_VERSION,
    data: event.data,
  });
}
