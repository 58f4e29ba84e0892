/**
 * Broker keys for identity, listeners, the network layer, topic
 * administration and fetch limits, plus Samsa's own `samsa.*` keys. Types,
 * defaults, validators, importance and update modes follow Kafka 4
 * (`ServerConfigs`, `SocketServerConfigs`, `KRaftConfigs`,
 * `ReplicationConfigs`, `DynamicBrokerConfig`); where Samsa's default
 * differs, `kafkaDefault` and `defaultNote` say how and why.
 */
import type { BrokerKeyDef, UpdateMode } from "./config-def.ts";
import { LISTENER_FORMAT, parseHttpEndpoint, parseListener, parseSecurityProtocolMap } from "./listeners.ts";
import { INT_MAX } from "./parse-value.ts";
import { atLeast, listOf, textMatching } from "./validators.ts";

export const TIERED_STORAGE_UNSUPPORTED = "Samsa does not support tiered (remote) storage";

type KeyInput = Omit<BrokerKeyDef, "updateMode"> & { updateMode?: UpdateMode };

export function brokerKey(input: KeyInput): BrokerKeyDef {
  return { updateMode: "read-only", ...input };
}

function listenerItem(text: string): string | null {
  const parsed = parseListener(text);
  return parsed.ok ? null : parsed.reason;
}

const listenerList = (allowEmpty: boolean) =>
  listOf({ allowEmpty, item: listenerItem, itemAllowed: `listeners of the form ${LISTENER_FORMAT}` });

const KAFKA_PROTOCOL_MAP_DEFAULT =
  "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT";

const SINGLE_NODE = "Samsa starts as a single node with no configuration at all.";
const ONE_EVENT_LOOP = "Samsa serves every connection from one event loop; there is no thread pool to size.";

export const SERVER_KEYS: readonly BrokerKeyDef[] = [
  brokerKey({
    name: "node.id",
    type: "int",
    default: "1",
    kafkaDefault: null,
    defaultNote: `Kafka requires it; ${SINGLE_NODE}`,
    validator: atLeast(0),
    importance: "high",
    doc: "This node's id in the cluster, unique among brokers and controllers.",
  }),
  brokerKey({
    name: "broker.id",
    type: "int",
    default: null,
    kafkaDefault: "-1",
    defaultNote: "Unset, it simply mirrors node.id (which Samsa defaults), as Kafka copies node.id into it.",
    importance: "high",
    doc: "Older name for node.id; when set it must agree with node.id (and stands in for it when node.id is unset).",
  }),
  brokerKey({
    name: "process.roles",
    type: "list",
    default: "broker,controller",
    kafkaDefault: null,
    defaultNote: `Kafka requires it; ${SINGLE_NODE} Combined mode is the single-node shape.`,
    validator: listOf({ choices: ["broker", "controller"], allowEmpty: false }),
    importance: "high",
    doc: "The roles this node plays: broker, controller, or both (combined mode).",
  }),
  brokerKey({
    name: "listeners",
    type: "list",
    default: "PLAINTEXT://127.0.0.1:9092",
    kafkaDefault: "PLAINTEXT://:9092",
    defaultNote:
      "Bound to loopback so that a broker started with no configuration is not reachable from the network.",
    validator: listenerList(false),
    importance: "high",
    updateMode: "per-broker",
    doc: "The addresses the node listens on, as NAME://host:port; an empty host binds every interface.",
  }),
  brokerKey({
    name: "advertised.listeners",
    type: "list",
    default: null,
    validator: listenerList(false),
    importance: "high",
    doc: "The addresses clients are told to connect to; when unset, the listeners themselves.",
  }),
  brokerKey({
    name: "listener.security.protocol.map",
    type: "string",
    default: KAFKA_PROTOCOL_MAP_DEFAULT,
    validator: textMatching("NAME:PROTOCOL pairs, comma-separated", (text) => {
      const parsed = parseSecurityProtocolMap(text);
      return parsed.ok ? null : parsed.reason;
    }),
    importance: "low",
    updateMode: "per-broker",
    doc: "The security protocol each listener name speaks. Samsa serves PLAINTEXT listeners only for now.",
  }),
  brokerKey({
    name: "controller.listener.names",
    type: "list",
    default: null,
    kafkaDefault: null,
    defaultNote:
      "Kafka requires it; a single Samsa node runs its metadata quorum in-process and needs no controller listener.",
    validator: listOf({ allowEmpty: false }),
    importance: "high",
    doc: "Names of the listeners used by the metadata quorum (controllers); they are not advertised to clients.",
  }),
  brokerKey({
    name: "inter.broker.listener.name",
    type: "string",
    default: null,
    importance: "medium",
    ignored: "A single node has no inter-broker traffic yet; the name is checked but not used.",
    doc: "The listener other brokers use to reach this one.",
  }),
  brokerKey({
    name: "controller.quorum.bootstrap.servers",
    type: "list",
    default: "",
    importance: "high",
    ignored: "Samsa's metadata quorum is in-process on a single node for now.",
    doc: "host:port addresses used to discover the controller quorum.",
  }),
  brokerKey({
    name: "controller.quorum.voters",
    type: "list",
    default: "",
    importance: "high",
    ignored: "Samsa's metadata quorum is in-process on a single node for now.",
    doc: "The static set of controller voters, as id@host:port.",
  }),
  brokerKey({
    name: "socket.request.max.bytes",
    type: "int",
    default: "104857600",
    validator: atLeast(1),
    importance: "high",
    doc: "The largest request frame accepted; a connection sending a bigger one is closed.",
  }),
  brokerKey({
    name: "socket.send.buffer.bytes",
    type: "int",
    default: "102400",
    importance: "high",
    ignored: "The operating system sizes socket buffers for Samsa.",
    doc: "Socket send buffer size (SO_SNDBUF); -1 leaves the system default.",
  }),
  brokerKey({
    name: "socket.receive.buffer.bytes",
    type: "int",
    default: "102400",
    importance: "high",
    ignored: "The operating system sizes socket buffers for Samsa.",
    doc: "Socket receive buffer size (SO_RCVBUF); -1 leaves the system default.",
  }),
  brokerKey({
    name: "socket.listen.backlog.size",
    type: "int",
    default: "50",
    validator: atLeast(1),
    importance: "medium",
    ignored: "Node chooses the listen backlog.",
    doc: "How many pending connections the listening socket queues.",
  }),
  brokerKey({
    name: "queued.max.requests",
    type: "int",
    default: "500",
    validator: atLeast(1),
    importance: "high",
    doc: "How many requests may wait to be handled before the broker stops reading from sockets.",
  }),
  brokerKey({
    name: "queued.max.request.bytes",
    type: "long",
    default: "-1",
    importance: "medium",
    doc: "Request bytes that may wait to be handled before the broker stops reading from sockets; -1 for no limit.",
  }),
  brokerKey({
    name: "max.connections",
    type: "int",
    default: String(INT_MAX),
    validator: atLeast(0),
    importance: "medium",
    updateMode: "cluster-wide",
    doc: "The most client connections the broker accepts at once.",
  }),
  brokerKey({
    name: "connections.max.idle.ms",
    type: "long",
    default: "600000",
    importance: "medium",
    doc: "Connections silent for longer than this are closed; a negative value never closes them.",
  }),
  brokerKey({
    name: "num.network.threads",
    type: "int",
    default: "3",
    validator: atLeast(1),
    importance: "high",
    updateMode: "cluster-wide",
    ignored: ONE_EVENT_LOOP,
    doc: "Threads that read requests from and write responses to the network.",
  }),
  brokerKey({
    name: "num.io.threads",
    type: "int",
    default: "8",
    validator: atLeast(1),
    importance: "high",
    updateMode: "cluster-wide",
    ignored: ONE_EVENT_LOOP,
    doc: "Threads that handle requests, including disk work.",
  }),
  brokerKey({
    name: "background.threads",
    type: "int",
    default: "10",
    validator: atLeast(1),
    importance: "high",
    updateMode: "cluster-wide",
    ignored: ONE_EVENT_LOOP,
    doc: "Threads for background jobs such as deleting old files.",
  }),
  brokerKey({
    name: "num.recovery.threads.per.data.dir",
    type: "int",
    default: "2",
    validator: atLeast(1),
    importance: "high",
    updateMode: "cluster-wide",
    ignored: ONE_EVENT_LOOP,
    doc: "Threads per log directory that recover logs at start-up and flush them at shutdown.",
  }),
  brokerKey({
    name: "num.replica.fetchers",
    type: "int",
    default: "1",
    validator: atLeast(1),
    importance: "high",
    updateMode: "cluster-wide",
    ignored: "A single node has no followers to fetch for.",
    doc: "Fetcher threads a follower uses to copy data from leaders.",
  }),
  brokerKey({
    name: "num.partitions",
    type: "int",
    default: "1",
    validator: atLeast(1),
    importance: "medium",
    doc: "Partition count for topics created without one (including auto-created topics).",
  }),
  brokerKey({
    name: "default.replication.factor",
    type: "int",
    default: "1",
    validator: atLeast(1),
    importance: "medium",
    doc: "Replication factor for topics created without one. (Kafka has no lower bound; below 1 no topic could be created.)",
  }),
  brokerKey({
    name: "auto.create.topics.enable",
    type: "boolean",
    default: "true",
    importance: "high",
    doc: "Whether asking for metadata of an unknown topic creates it.",
  }),
  brokerKey({
    name: "delete.topic.enable",
    type: "boolean",
    default: "true",
    importance: "high",
    doc: "Whether topics may be deleted; when false, DeleteTopics is refused.",
  }),
  brokerKey({
    name: "message.max.bytes",
    type: "int",
    default: "1048588",
    validator: atLeast(0),
    importance: "high",
    updateMode: "cluster-wide",
    topicKey: "max.message.bytes",
    doc: "The largest record batch the broker accepts (after compression).",
  }),
  brokerKey({
    name: "fetch.max.bytes",
    type: "int",
    default: "57671680",
    validator: atLeast(1024),
    importance: "medium",
    doc: "The most bytes one fetch response may carry.",
  }),
  brokerKey({
    name: "max.incremental.fetch.session.cache.slots",
    type: "int",
    default: "1000",
    validator: atLeast(0),
    importance: "medium",
    doc: "How many incremental fetch sessions the broker keeps.",
  }),
  brokerKey({
    name: "authorizer.class.name",
    type: "string",
    default: "",
    validator: textMatching("empty (authorization is not supported yet)", (text) =>
      text === "" ? null : "authorization is not supported by Samsa yet; leave it empty",
    ),
    importance: "low",
    doc: "The class that authorizes requests; empty for none.",
  }),
  brokerKey({
    name: "remote.log.storage.system.enable",
    type: "boolean",
    default: "false",
    validator: { allowed: "false", check: (value) => (value === false ? null : TIERED_STORAGE_UNSUPPORTED) },
    importance: "medium",
    doc: "Whether tiered (remote) storage is available to topics. Samsa does not support tiered storage.",
  }),
  brokerKey({
    name: "samsa.fsync.before.acks.all",
    type: "boolean",
    default: "true",
    importance: "high",
    doc: "Samsa only: fsync appended data (in groups) before acknowledging an acks=all produce, so it survives power loss.",
  }),
  brokerKey({
    name: "samsa.console.listener",
    type: "string",
    default: "http://127.0.0.1:8080",
    validator: textMatching("http://host:port, or none", (text) => {
      const parsed = parseHttpEndpoint(text);
      return parsed.ok ? null : parsed.reason;
    }),
    importance: "medium",
    doc: "Samsa only: where the web console listens, as http://host:port, or none to turn it off.",
  }),
];
