import assert from "node:assert/strict";
import { test } from "node:test";
import { BrokerConfigError, loadBrokerConfig } from "../../../../src/broker/config/load-broker-config.ts";
import { effectiveTopicConfig, validateTopicConfigs } from "../../../../src/broker/config/topic-config.ts";

const HOUR_MS = 3_600_000;

function retentionMs(propertiesText: string, env: Record<string, string> = {}): number {
  return loadBrokerConfig({ propertiesText, env }).config.topicDefaults.logConfig.retentionMs;
}

test("retention: log.retention.ms > log.retention.minutes > log.retention.hours (default 168 hours)", () => {
  assert.equal(retentionMs(""), 168 * HOUR_MS);
  assert.equal(retentionMs("log.retention.hours=2"), 2 * HOUR_MS);
  assert.equal(retentionMs("log.retention.hours=2\nlog.retention.minutes=3"), 3 * 60_000);
  assert.equal(retentionMs("log.retention.hours=2\nlog.retention.minutes=3\nlog.retention.ms=4"), 4);
});

test("synonym precedence is by key, not by source: a file's .ms beats an environment's .hours", () => {
  assert.equal(retentionMs("log.retention.ms=5000", { SAMSA_LOG_RETENTION_HOURS: "1" }), 5000);
  assert.equal(retentionMs("log.retention.hours=1", { SAMSA_LOG_RETENTION_MS: "5000" }), 5000);
});

test("any negative broker retention means forever (-1); zero is refused", () => {
  assert.equal(retentionMs("log.retention.ms=-1"), -1);
  assert.equal(retentionMs("log.retention.ms=-100"), -1);
  assert.equal(retentionMs("log.retention.hours=-1"), -1);
  assert.throws(() => retentionMs("log.retention.ms=0"), BrokerConfigError);
  assert.throws(() => retentionMs("log.retention.hours=0"), BrokerConfigError);
});

test("segment roll: log.roll.ms > log.roll.hours; jitter likewise", () => {
  const config = (text: string) => loadBrokerConfig({ propertiesText: text }).config.topicDefaults;
  assert.equal(config("").logConfig.segmentMs, 168 * HOUR_MS);
  assert.equal(config("log.roll.hours=1").logConfig.segmentMs, HOUR_MS);
  assert.equal(config("log.roll.hours=1\nlog.roll.ms=1234").logConfig.segmentMs, 1234);
  assert.equal(config("log.roll.jitter.hours=1").segmentJitterMs, HOUR_MS);
  assert.equal(config("log.roll.jitter.hours=1\nlog.roll.jitter.ms=7").segmentJitterMs, 7);
  assert.throws(() => config("log.roll.ms=0"), /segment\.ms/);
});

test("flush: log.flush.interval.ms, else log.flush.scheduler.interval.ms; 'never' is Long.MAX_VALUE", () => {
  const flushMs = (text: string) =>
    loadBrokerConfig({ propertiesText: text }).config.topicDefaults.logConfig.flushIntervalMs;
  assert.equal(flushMs(""), Number.MAX_SAFE_INTEGER);
  assert.equal(flushMs("log.flush.scheduler.interval.ms=2000"), 2000);
  assert.equal(flushMs("log.flush.scheduler.interval.ms=2000\nlog.flush.interval.ms=1000"), 1000);
});

test("the other broker-wide topic defaults map one to one", () => {
  const { config } = loadBrokerConfig({
    propertiesText: [
      "log.segment.bytes=2097152",
      "log.index.interval.bytes=100",
      "log.retention.bytes=1000000",
      "log.cleanup.policy=compact",
      "log.cleaner.min.cleanable.ratio=0.25",
      "log.cleaner.min.compaction.lag.ms=10",
      "log.cleaner.max.compaction.lag.ms=20",
      "log.cleaner.delete.retention.ms=30",
      "log.segment.delete.delay.ms=40",
      "log.flush.interval.messages=50",
      "log.message.timestamp.type=LogAppendTime",
      "message.max.bytes=2000",
      "min.insync.replicas=2",
      "compression.type=zstd",
      "compression.zstd.level=9",
      "log.message.timestamp.before.max.ms=60",
      "log.message.timestamp.after.max.ms=70",
      "unclean.leader.election.enable=true",
      "log.index.size.max.bytes=4096",
      "samsa.fsync.before.acks.all=false",
    ].join("\n"),
  });
  assert.deepStrictEqual(config.topicDefaults, {
    logConfig: {
      segmentBytes: 2097152,
      segmentMs: 168 * HOUR_MS,
      indexIntervalBytes: 100,
      retentionMs: 168 * HOUR_MS,
      retentionBytes: 1000000,
      cleanupPolicy: { delete: false, compact: true },
      minCleanableDirtyRatio: 0.25,
      minCompactionLagMs: 10,
      maxCompactionLagMs: 20,
      deleteRetentionMs: 30,
      fileDeleteDelayMs: 40,
      flushIntervalMessages: 50,
      flushIntervalMs: Number.MAX_SAFE_INTEGER,
      timestampType: "LogAppendTime",
      maxMessageBytes: 2000,
      fsyncBeforeAcksAll: false,
    },
    minInsyncReplicas: 2,
    compressionType: "zstd",
    compressionLevel: 9,
    messageTimestampBeforeMaxMs: 60,
    messageTimestampAfterMaxMs: 70,
    uncleanLeaderElectionEnable: true,
    segmentJitterMs: 0,
    segmentIndexBytes: 4096,
    preallocate: false,
  });
});

test("broker compaction lags must be ordered", () => {
  assert.throws(
    () =>
      loadBrokerConfig({
        propertiesText: "log.cleaner.min.compaction.lag.ms=10\nlog.cleaner.max.compaction.lag.ms=5",
      }),
    /must not exceed/,
  );
});

test("valid overrides produce no errors", () => {
  assert.deepStrictEqual(
    validateTopicConfigs({
      "cleanup.policy": "compact,delete",
      "retention.ms": "-1",
      "retention.bytes": "-1",
      "segment.bytes": "1048576",
      "min.cleanable.dirty.ratio": "0.1",
      "message.timestamp.type": "LogAppendTime",
      "compression.type": "lz4",
      "compression.lz4.level": "17",
      "compression.gzip.level": "-1",
      "local.retention.ms": "-2",
      "remote.storage.enable": "false",
      "leader.replication.throttled.replicas": "0:1,1:2",
      "follower.replication.throttled.replicas": "*",
      preallocate: "true",
      "max.message.bytes": "0",
    }),
    {},
  );
});

test("each bad key gets its own message in Kafka's words", () => {
  const errors = validateTopicConfigs({
    "retention.ms": "-2",
    "segment.bytes": "1000",
    "cleanup.policy": "delete,archive",
    "compression.type": "brotli",
    "min.insync.replicas": "0",
    "flush.messages": "ten",
    "compression.gzip.level": "0",
    "leader.replication.throttled.replicas": "0-1",
    "segment.ms": "1",
  });
  assert.deepStrictEqual(Object.keys(errors).sort(), [
    "cleanup.policy",
    "compression.gzip.level",
    "compression.type",
    "flush.messages",
    "leader.replication.throttled.replicas",
    "min.insync.replicas",
    "retention.ms",
    "segment.bytes",
  ]);
  assert.equal(
    errors["retention.ms"],
    "Invalid value -2 for configuration retention.ms: must be at least -1",
  );
  assert.match(errors["segment.bytes"], /at least 1048576/);
  assert.match(errors["flush.messages"], /64-bit integer/);
  assert.match(errors["compression.type"], /uncompressed, zstd, lz4, snappy, gzip, producer/);
});

test("unknown, removed and broker-only keys are refused with a pointer", () => {
  const errors = validateTopicConfigs({
    "retention.msec": "1",
    "message.format.version": "3.0",
    "message.downconversion.enable": "true",
    "log.retention.ms": "1",
  });
  assert.match(
    errors["retention.msec"],
    /^Unknown topic config name: retention\.msec\. Did you mean "retention\.ms"\?/,
  );
  assert.match(errors["message.format.version"], /removed in Kafka 4\.0/);
  assert.match(errors["message.downconversion.enable"], /removed in Kafka 4\.0/);
  assert.match(errors["log.retention.ms"], /broker setting; the topic-level key is retention\.ms/);
});

test("remote storage cannot be enabled", () => {
  assert.match(validateTopicConfigs({ "remote.storage.enable": "true" })["remote.storage.enable"], /tiered/);
});

test("compaction lags are checked together, against the broker's defaults when one is given", () => {
  assert.match(
    validateTopicConfigs({ "min.compaction.lag.ms": "10", "max.compaction.lag.ms": "5" })[
      "min.compaction.lag.ms"
    ],
    /min\.compaction\.lag\.ms \(10\) > max\.compaction\.lag\.ms \(5\)/,
  );
  const { config } = loadBrokerConfig({ propertiesText: "log.cleaner.max.compaction.lag.ms=100" });
  assert.deepStrictEqual(validateTopicConfigs({ "min.compaction.lag.ms": "50" }, config), {});
  assert.ok(validateTopicConfigs({ "min.compaction.lag.ms": "500" }, config)["min.compaction.lag.ms"]);
  assert.ok(
    validateTopicConfigs(
      { "max.compaction.lag.ms": "5" },
      loadBrokerConfig({
        propertiesText: "log.cleaner.min.compaction.lag.ms=10",
      }).config,
    )["max.compaction.lag.ms"],
  );
});

test("effective config: overrides win, broker defaults fill the rest, onto the storage LogConfig", () => {
  const { config } = loadBrokerConfig({
    propertiesText: "log.retention.hours=1\nlog.segment.bytes=2097152\nmin.insync.replicas=2",
  });
  const settings = effectiveTopicConfig(config, {
    "retention.ms": "5000",
    "cleanup.policy": "compact",
    "max.message.bytes": "100",
    "message.timestamp.after.max.ms": "10",
    "compression.type": "gzip",
  });
  assert.equal(settings.logConfig.retentionMs, 5000);
  assert.equal(settings.logConfig.segmentBytes, 2097152);
  assert.deepStrictEqual(settings.logConfig.cleanupPolicy, { delete: false, compact: true });
  assert.equal(settings.logConfig.maxMessageBytes, 100);
  assert.equal(settings.logConfig.fsyncBeforeAcksAll, true);
  assert.equal(settings.minInsyncReplicas, 2);
  assert.equal(settings.messageTimestampAfterMaxMs, 10);
  assert.equal(settings.messageTimestampBeforeMaxMs, Number.MAX_SAFE_INTEGER);
  assert.equal(settings.compressionType, "gzip");
  assert.equal(settings.compressionLevel, -1);
  const inherited = effectiveTopicConfig(config, {});
  assert.equal(inherited.logConfig.retentionMs, 3_600_000);
  assert.equal(inherited.compressionLevel, null);
});

test("an empty cleanup.policy keeps everything", () => {
  const { config } = loadBrokerConfig();
  assert.deepStrictEqual(validateTopicConfigs({ "cleanup.policy": "" }), {});
  assert.deepStrictEqual(effectiveTopicConfig(config, { "cleanup.policy": "" }).logConfig.cleanupPolicy, {
    delete: false,
    compact: false,
  });
});
