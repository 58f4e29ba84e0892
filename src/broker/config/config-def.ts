/**
 * The shape of one entry in the broker and topic definition tables: Kafka's
 * key, its type, default, validator and importance, how it may be updated
 * (as Kafka 4 documents it), a short description, and how broker keys and
 * topic keys stand in for each other.
 */
import type { ConfigTypeName } from "./parse-value.ts";
import type { Validator } from "./validators.ts";

export type Importance = "high" | "medium" | "low";

/**
 * Kafka's update modes for broker keys: `read-only` needs a restart;
 * `per-broker` may be changed for one broker at run time; `cluster-wide`
 * may also be changed as a cluster default. (Samsa reports Kafka's mode;
 * changing broker configs at run time is not built yet.)
 */
export type UpdateMode = "read-only" | "per-broker" | "cluster-wide";

export interface ConfigKeyDef {
  /** Kafka's key, verbatim. */
  readonly name: string;
  readonly type: ConfigTypeName;
  /** The text used when the key is not set; null means "unset". */
  readonly default: string | null;
  readonly validator?: Validator;
  readonly importance: Importance;
  /** One line in our own words. */
  readonly doc: string;
}

export interface BrokerKeyDef extends ConfigKeyDef {
  readonly updateMode: UpdateMode;
  /** The topic-level key this broker key supplies the default for, if any. */
  readonly topicKey?: string;
  /** Kafka's default when Samsa's differs, with `defaultNote` saying why. */
  readonly kafkaDefault?: string | null;
  readonly defaultNote?: string;
  /** Accepted for compatibility but not acted on; the note says why. Setting it yields a warning. */
  readonly ignored?: string;
  /** Accepted but deprecated in Kafka; setting it yields this warning. */
  readonly deprecated?: string;
}

/**
 * A broker key that supplies a topic key's default, in Kafka's order of
 * precedence; `unit` converts an hour or minute count into milliseconds.
 */
export interface BrokerSynonym {
  readonly name: string;
  readonly unit?: "hours" | "minutes";
}

export interface TopicKeyDef extends ConfigKeyDef {
  /** Broker keys that supply this key's default, highest precedence first; empty when none. */
  readonly synonyms: readonly BrokerSynonym[];
}
