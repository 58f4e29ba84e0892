/**
 * A Samsa broker: its logs, its topics, and the listener that serves them.
 * `Broker.start` brings everything up in dependency order (identity, logs,
 * topics, partitions, then the socket); `stop` reverses it, finishing the
 * requests in flight, flushing, checkpointing and marking a clean shutdown.
 */
import pino, { type Logger } from "pino";
import { ApiKey } from "../protocol/api-keys.ts";
import { systemClock } from "../storage/clock.ts";
import { type CleanerConfig, cleanerConfig } from "../storage/compaction/cleaner-config.ts";
import { mkdirDurably } from "../storage/durable-file.ts";
import type { FileSystem } from "../storage/file-system.ts";
import type { LogConfig } from "../storage/log-config.ts";
import { LogManager } from "../storage/log-manager.ts";
import { nodeFileSystem } from "../storage/node-file-system.ts";
import type { BrokerConfig } from "./config/index.ts";
import { FetchSessionCache } from "./fetch-sessions.ts";
import { DEFAULT_GROUP_RUNTIME_SETTINGS, GroupRuntime, type GroupRuntimeSettings } from "./group-runtime.ts";
import { HandlerRegistry } from "./handler-registry.ts";
import { allHandlers } from "./handlers/index.ts";
import { type ClusterIdentity, loadClusterIdentity } from "./metadata/cluster-identity.ts";
import { ProducerIdAllocator } from "./metadata/producer-ids.ts";
import { TopicStore } from "./metadata/topic-store.ts";
import { FetchPurgatory } from "./purgatory.ts";
import { ReplicaManager } from "./replica-manager.ts";
import { BrokerServer } from "./server.ts";

export interface Endpoint {
  host: string;
  port: number;
}

/** What the broker core needs from its configuration (see config/ for the Kafka keys behind each). */
export interface BrokerSettings {
  /** The full Kafka-keyed configuration (DescribeConfigs reads it); absent in bare test setups. */
  config?: BrokerConfig;
  nodeId: number;
  listener: Endpoint;
  /** What clients are told to connect to; defaults to the listener. */
  advertisedListener?: Endpoint;
  logDirs: readonly string[];
  numPartitions: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  messageMaxBytes: number;
  socketRequestMaxBytes: number;
  queuedMaxRequests: number;
  maxConnections: number;
  connectionsMaxIdleMs: number;
  maxInFlightBytesPerConnection: number;
  logRetentionCheckIntervalMs: number;
  logFlushOffsetCheckpointIntervalMs: number;
  fetchMaxBytes: number;
  fetchSessionCacheSlots: number;
  /** Validates topic config overrides: an error message per bad key. */
  validateTopicConfigs: (configs: Record<string, string>) => Record<string, string>;
  /** Consumer groups: coordinator settings and the `__consumer_offsets` topic's shape. */
  groups?: GroupRuntimeSettings;
  /** Compaction settings (log.cleaner.*); null disables the cleaner. */
  cleaner?: CleanerConfig | null;
  /** The storage config of a topic with these overrides. */
  topicLogConfig: (configs: Record<string, string>) => LogConfig;
}

export interface BrokerStartOptions {
  settings: BrokerSettings;
  fs?: FileSystem;
  logger?: Logger;
}

export class Broker {
  private constructor(
    readonly settings: BrokerSettings,
    readonly logger: Logger,
    readonly identity: ClusterIdentity,
    readonly logManager: LogManager,
    readonly topics: TopicStore,
    readonly replicas: ReplicaManager,
    readonly producerIds: ProducerIdAllocator,
    readonly registry: HandlerRegistry,
    private server: BrokerServer | null,
  ) {
    this.fetchSessions = new FetchSessionCache(settings.fetchSessionCacheSlots);
    this.groups = new GroupRuntime(this, settings.groups ?? DEFAULT_GROUP_RUNTIME_SETTINGS);
  }

  readonly groups: GroupRuntime;

  readonly fetchSessions: FetchSessionCache;

  static async start(options: BrokerStartOptions): Promise<Broker> {
    const settings = options.settings;
    const fs = options.fs ?? nodeFileSystem;
    const logger = options.logger ?? pino({ name: "samsa" });
    const identity = await loadClusterIdentityAfterMkdir(fs, settings);
    const firstDir = settings.logDirs[0];
    const topics = await TopicStore.load(fs, firstDir);
    const { manager, report } = await LogManager.open({
      fs,
      clock: systemClock,
      logDirs: settings.logDirs,
      configFor: (topic) => settings.topicLogConfig({ ...(topics.get(topic)?.configs ?? {}) }),
      retentionCheckIntervalMs: settings.logRetentionCheckIntervalMs,
      checkpointIntervalMs: settings.logFlushOffsetCheckpointIntervalMs,
      cleaner: settings.cleaner ?? cleanerConfig(),
    });
    logger.info({ ...report }, "logs loaded");
    const replicas = new ReplicaManager(manager, new FetchPurgatory());
    for (const topic of topics.all()) await replicas.ensurePartitions(topic);
    const producerIds = await ProducerIdAllocator.load(fs, firstDir);
    // Without the consumer protocol, ConsumerGroupHeartbeat is not advertised, as in Kafka.
    const consumerProtocol = settings.groups?.coordinator.consumerProtocolEnabled ?? true;
    const registry = new HandlerRegistry(
      allHandlers.filter((h) => consumerProtocol || h.apiKey !== ApiKey.ConsumerGroupHeartbeat),
    );
    const broker = new Broker(
      settings,
      logger,
      identity,
      manager,
      topics,
      replicas,
      producerIds,
      registry,
      null,
    );
    await broker.groups.start();
    manager.startBackgroundTasks();
    broker.server = await BrokerServer.listen(broker, registry, logger);
    logger.info(
      { ...broker.listenEndpoint(), clusterId: identity.clusterId, nodeId: identity.nodeId },
      "broker started",
    );
    return broker;
  }

  /** Where the socket actually listens (the port is resolved if 0 was asked for). */
  listenEndpoint(): Endpoint {
    if (this.server === null) return this.settings.listener;
    return this.server.address();
  }

  /** What Metadata and FindCoordinator tell clients. */
  advertisedEndpoint(): Endpoint {
    const listen = this.listenEndpoint();
    const advertised = this.settings.advertisedListener;
    if (advertised === undefined) return listen;
    // A listener on port 0 (or a wildcard host) advertises what was actually bound.
    return {
      host: advertised.host === "" || advertised.host === "0.0.0.0" ? listen.host : advertised.host,
      port: advertised.port === 0 ? listen.port : advertised.port,
    };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server !== null) await server.close();
    this.groups.stop();
    this.replicas.purgatory.notifyAll();
    await this.logManager.close();
    this.logger.info("broker stopped");
  }
}

async function loadClusterIdentityAfterMkdir(
  fs: FileSystem,
  settings: BrokerSettings,
): Promise<ClusterIdentity> {
  for (const dir of settings.logDirs) await mkdirDurably(fs, dir);
  return loadClusterIdentity(fs, settings.logDirs, settings.nodeId);
}
