/**
 * Kafka's rules for topic names: 1 to 249 characters of [a-zA-Z0-9._-],
 * not "." or "..". Names differing only in '.' versus '_' collide in
 * metrics, so Kafka refuses the second one; so do we.
 */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_CHARS = 249;

export function topicNameError(name: string): string | null {
  if (name.length === 0) return "Topic name is empty.";
  if (name === "." || name === "..") return `Topic name cannot be "${name}".`;
  if (name.length > MAX_TOPIC_NAME_CHARS)
    return `Topic name is longer than ${MAX_TOPIC_NAME_CHARS} characters.`;
  if (!LEGAL.test(name)) return `Topic name "${name}" has characters outside [a-zA-Z0-9._-].`;
  return null;
}

/** The name a topic collides with when '.' and '_' are treated alike. */
export function collisionKey(name: string): string {
  return name.replaceAll(".", "_");
}

export function isInternalTopic(name: string): boolean {
  return name === "__consumer_offsets" || name === "__transaction_state";
}
