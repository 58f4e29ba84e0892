/**
 * Every broker key Samsa accepts, by name, and the keys it refuses with a
 * reason: settings Kafka 4 removed (ZooKeeper mode above all), and security
 * settings Samsa cannot honour yet, where silently ignoring them would leave
 * a broker less protected than its operator believes.
 */
import { CLEANER_KEYS } from "./broker-keys-cleaner.ts";
import { COORDINATOR_KEYS } from "./broker-keys-coordinators.ts";
import { LOG_KEYS } from "./broker-keys-log.ts";
import { brokerKey, SERVER_KEYS } from "./broker-keys-server.ts";
import type { BrokerKeyDef } from "./config-def.ts";
import { oneOf } from "./validators.ts";

const SECURITY_PROTOCOL_KEY = brokerKey({
  name: "security.inter.broker.protocol",
  type: "string",
  default: "PLAINTEXT",
  validator: oneOf("PLAINTEXT"),
  importance: "medium",
  ignored: "A single node has no inter-broker traffic yet.",
  doc: "Security protocol between brokers when inter.broker.listener.name is unset. Samsa speaks PLAINTEXT only.",
});

export const BROKER_KEY_LIST: readonly BrokerKeyDef[] = [
  ...SERVER_KEYS,
  SECURITY_PROTOCOL_KEY,
  ...LOG_KEYS,
  ...CLEANER_KEYS,
  ...COORDINATOR_KEYS,
];

export const BROKER_KEYS: ReadonlyMap<string, BrokerKeyDef> = new Map(
  BROKER_KEY_LIST.map((def) => [def.name, def]),
);

const ZOOKEEPER =
  "ZooKeeper mode was removed in Kafka 4.0; Samsa, like Kafka 4, keeps its metadata in a KRaft quorum. Remove the key.";
const NO_TLS_OR_SASL = "Samsa does not support TLS or SASL yet (PLAINTEXT listeners only); remove the key.";

const REMOVED_IN_KAFKA_4: Readonly<Record<string, string>> = {
  "log.message.format.version": "removed in Kafka 4.0: every log uses message format v2.",
  "message.format.version": "removed in Kafka 4.0: every log uses message format v2.",
  "log.message.timestamp.difference.max.ms":
    "removed in Kafka 4.0; use log.message.timestamp.before.max.ms and log.message.timestamp.after.max.ms.",
  "log.message.downconversion.enable": "removed in Kafka 4.0: brokers no longer down-convert records.",
  "inter.broker.protocol.version":
    "removed in Kafka 4.0; the metadata version is set when the cluster is formatted.",
  "control.plane.listener.name": "removed in Kafka 4.0; use controller.listener.names.",
  "offsets.commit.required.acks": "removed in Kafka 4.0 (KIP-1041).",
  "delegation.token.master.key": "removed in Kafka 4.0; Samsa does not support delegation tokens.",
  "broker.id.generation.enable": "removed in Kafka 4.0 with ZooKeeper mode; set node.id.",
  "reserved.broker.max.id": "removed in Kafka 4.0 with ZooKeeper mode; set node.id.",
};

const REFUSED_PREFIXES: readonly (readonly [string, string])[] = [
  ["zookeeper.", ZOOKEEPER],
  ["ssl.", NO_TLS_OR_SASL],
  ["sasl.", NO_TLS_OR_SASL],
  [
    "listener.name.",
    "per-listener settings (listener.name.*) are not supported; Samsa listeners are PLAINTEXT only.",
  ],
];

/** Why a broker key is refused outright, or null when it is not one of those. */
export function refusedBrokerKey(name: string): string | null {
  const removed = REMOVED_IN_KAFKA_4[name];
  if (removed !== undefined) return `${name} was ${removed}`;
  for (const [prefix, reason] of REFUSED_PREFIXES) {
    if (name.startsWith(prefix)) return `${name}: ${reason}`;
  }
  return null;
}
