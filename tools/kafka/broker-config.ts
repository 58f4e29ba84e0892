// The files a single-node KRaft reference broker reads at start: its
// server.properties and a log4j2 configuration that sends all logging to a file,
// so the broker's console output never mixes with a test's.

import { randomBytes } from "node:crypto";

export type PropertyValue = string | number | boolean;

export interface BrokerConfigOptions {
  host: string;
  port: number;
  controllerPort: number;
  advertisedHost: string;
  advertisedPort: number;
  logDir: string;
  extra: Record<string, PropertyValue>;
}

/** Combined broker+controller with a static one-voter quorum: nothing to discover. */
export function serverProperties(options: BrokerConfigOptions): Record<string, PropertyValue> {
  return {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@${options.host}:${options.controllerPort}`,
    listeners: `PLAINTEXT://${options.host}:${options.port},CONTROLLER://${options.host}:${options.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://${options.advertisedHost}:${options.advertisedPort}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": options.logDir,
    // One node: internal topics cannot have more replicas than that.
    "offsets.topic.replication.factor": 1,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "share.coordinator.state.topic.replication.factor": 1,
    "share.coordinator.state.topic.min.isr": 1,
    // Tests join groups one member at a time; the default 3 s delay only slows them.
    "group.initial.rebalance.delay.ms": 0,
    "num.partitions": 1,
    ...options.extra,
  };
}

export function renderProperties(properties: Record<string, PropertyValue>): string {
  const lines = Object.entries(properties).map(([key, value]) => `${key}=${String(value)}`);
  return `${lines.join("\n")}\n`;
}

export function log4j2Properties(logFile: string): string {
  return [
    "status = warn",
    "appender.file.type = File",
    "appender.file.name = file",
    `appender.file.fileName = ${logFile}`,
    "appender.file.layout.type = PatternLayout",
    "appender.file.layout.pattern = [%d] %p %m (%c)%n",
    "rootLogger.level = INFO",
    "rootLogger.appenderRef.file.ref = file",
    "",
  ].join("\n");
}

/**
 * A cluster id as Kafka spells one: 16 random bytes, URL-safe base64 without
 * padding. A leading '-' would be read as a command-line flag, so we avoid it,
 * as Kafka's own generator does.
 */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString("base64url");
    if (!id.startsWith("-")) return id;
  }
}
