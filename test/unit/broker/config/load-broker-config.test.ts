import assert from "node:assert/strict";
import { test } from "node:test";
import { formatListener, parseListener } from "../../../../src/broker/config/listeners.ts";
import {
  BrokerConfigError,
  type LoadBrokerConfigOptions,
  loadBrokerConfig,
} from "../../../../src/broker/config/load-broker-config.ts";

/** The problems a configuration is refused with. */
function problemsOf(options: LoadBrokerConfigOptions): readonly string[] {
  try {
    loadBrokerConfig(options);
  } catch (error) {
    assert.ok(error instanceof BrokerConfigError, String(error));
    return error.problems;
  }
  assert.fail("the configuration was accepted");
}

function oneProblem(options: LoadBrokerConfigOptions): string {
  const problems = problemsOf(options);
  assert.equal(problems.length, 1, problems.join("\n"));
  return problems[0];
}

test("with nothing configured, a single-node combined broker on loopback with data in ./data", () => {
  const { config, warnings } = loadBrokerConfig();
  assert.deepStrictEqual(warnings, []);
  assert.equal(config.nodeId, 1);
  assert.deepStrictEqual(config.processRoles, ["broker", "controller"]);
  assert.deepStrictEqual(config.listeners, [{ name: "PLAINTEXT", host: "127.0.0.1", port: 9092 }]);
  assert.deepStrictEqual(config.advertisedListeners, config.listeners);
  assert.deepStrictEqual(config.controllerListeners, []);
  assert.deepStrictEqual(config.logDirs, ["./data"]);
  assert.equal(config.numPartitions, 1);
  assert.equal(config.offsets.topicReplicationFactor, 1);
  assert.equal(config.offsets.topicNumPartitions, 50);
  assert.equal(config.offsets.retentionMs, 7 * 24 * 3_600_000);
  assert.equal(config.transactions.stateLogReplicationFactor, 1);
  assert.equal(config.transactions.stateLogMinIsr, 1);
  assert.equal(config.messageMaxBytes, 1048588);
  assert.equal(config.socketRequestMaxBytes, 104857600);
  assert.equal(config.connectionsMaxIdleMs, 600_000);
  assert.equal(config.fetchMaxBytes, 55 * 1024 * 1024);
  assert.equal(config.fsyncBeforeAcksAll, true);
  assert.deepStrictEqual(config.consoleListener, { host: "127.0.0.1", port: 8080 });
  assert.equal(config.values.get("log.retention.hours")?.origin, "default");
});

test("precedence: default < properties file < SAMSA_* environment < --override", () => {
  const base = { propertiesText: "num.partitions=2\nlog.cleaner.threads=2\ndelete.topic.enable=false\n" };
  const env = { SAMSA_NUM_PARTITIONS: "3", SAMSA_LOG_CLEANER_THREADS: "3", HOME: "/home/x" };
  const { config } = loadBrokerConfig({ ...base, env, overrides: ["num.partitions=4"] });
  assert.equal(config.numPartitions, 4);
  assert.equal(config.cleaner.threads, 3);
  assert.equal(config.deleteTopicEnable, false);
  assert.equal(config.autoCreateTopicsEnable, true);
  const origins = [
    "num.partitions",
    "log.cleaner.threads",
    "delete.topic.enable",
    "auto.create.topics.enable",
  ].map((key) => [config.values.get(key)?.origin, config.values.get(key)?.location]);
  assert.deepStrictEqual(origins, [
    ["override", "--override"],
    ["env", "environment variable SAMSA_LOG_CLEANER_THREADS"],
    ["file", "properties file line 3"],
    ["default", null],
  ]);
});

test("an --override value may itself contain '='; the key is trimmed", () => {
  const { config } = loadBrokerConfig({ overrides: [" samsa.console.listener =http://127.0.0.1:9999"] });
  assert.deepStrictEqual(config.consoleListener, { host: "127.0.0.1", port: 9999 });
  assert.match(
    oneProblem({ overrides: ["num.partitions"] }),
    /--override num\.partitions: expected key=value/,
  );
});

test("a later line of the file wins over an earlier one", () => {
  const { config } = loadBrokerConfig({ propertiesText: "num.partitions=2\nnum.partitions=5" });
  assert.equal(config.numPartitions, 5);
});

test("an unknown key is refused, naming it and suggesting the closest known key", () => {
  const problem = oneProblem({
    propertiesText: "\nlog.retention.hour=24",
    propertiesName: "server.properties",
  });
  assert.match(problem, /"log\.retention\.hour"/);
  assert.match(problem, /server\.properties line 2/);
  assert.match(problem, /Did you mean "log\.retention\.hours"\?/);
  assert.match(oneProblem({ overrides: ["num.partition=3"] }), /Did you mean "num\.partitions"\?/);
  assert.doesNotMatch(oneProblem({ overrides: ["completely.different=1"] }), /Did you mean/);
});

test("unknown environment keys name the variable; Samsa's own keys may be suggested with their prefix", () => {
  const problem = oneProblem({ env: { SAMSA_CONSOLE_LISTENER: "none" } });
  assert.match(problem, /environment variable SAMSA_CONSOLE_LISTENER/);
  assert.match(problem, /Did you mean "samsa\.console\.listener"\?/);
  const { config } = loadBrokerConfig({ env: { SAMSA_SAMSA_CONSOLE_LISTENER: "none" } });
  assert.equal(config.consoleListener, null);
});

test("variables listed as not being config are skipped", () => {
  const { config } = loadBrokerConfig({ env: { SAMSA_HOME: "/opt/samsa" }, nonConfigEnv: ["SAMSA_HOME"] });
  assert.equal(config.nodeId, 1);
});

test("a topic-level key in the broker file points at its broker-wide form", () => {
  assert.match(oneProblem({ propertiesText: "retention.ms=1000" }), /topic-level key.*log\.retention\.ms/);
});

test("ZooKeeper keys and keys Kafka 4 removed are errors", () => {
  assert.match(
    oneProblem({ propertiesText: "zookeeper.connect=localhost:2181" }),
    /ZooKeeper mode was removed in Kafka 4\.0/,
  );
  assert.match(oneProblem({ propertiesText: "log.message.format.version=3.0" }), /removed in Kafka 4\.0/);
  assert.match(oneProblem({ propertiesText: "inter.broker.protocol.version=3.9" }), /removed in Kafka 4\.0/);
  assert.match(oneProblem({ propertiesText: "ssl.keystore.location=/x" }), /TLS or SASL/);
});

test("keys Samsa accepts but ignores produce warnings, not errors; deprecated keys warn too", () => {
  const { warnings } = loadBrokerConfig({
    propertiesText: "num.network.threads=3\nnum.io.threads=8\nlog.cleaner.enable=true",
  });
  assert.equal(warnings.length, 3);
  assert.match(warnings[0], /num\.network\.threads is accepted but ignored \(properties file line 1\)/);
  assert.match(warnings[1], /num\.io\.threads/);
  assert.match(warnings[2], /log\.cleaner\.enable is deprecated/);
});

test("ignored keys are still type-checked", () => {
  assert.match(oneProblem({ propertiesText: "num.io.threads=0" }), /num\.io\.threads.*must be at least 1/);
});

test("invalid values name the key, the value, the source and what is allowed", () => {
  const negative = oneProblem({ env: { SAMSA_LOG_SEGMENT_BYTES: "-1" } });
  assert.match(
    negative,
    /Invalid value "-1" for log\.segment\.bytes \(environment variable SAMSA_LOG_SEGMENT_BYTES\)/,
  );
  assert.match(negative, /must be at least 1048576/);
  const notNumber = oneProblem({ propertiesText: "log.retention.bytes=lots" });
  assert.match(notNumber, /Invalid value "lots" for log\.retention\.bytes .*expected a 64-bit integer/);
  const tooBig = oneProblem({ propertiesText: "num.partitions=2147483648" });
  assert.match(tooBig, /expected a 32-bit integer/);
  const badEnum = oneProblem({ propertiesText: "log.message.timestamp.type=BrokerTime" });
  assert.match(badEnum, /must be one of: CreateTime, LogAppendTime/);
  const badBoolean = oneProblem({ propertiesText: "auto.create.topics.enable=yes" });
  assert.match(badBoolean, /expected true or false/);
  const badPolicy = oneProblem({ propertiesText: "log.cleanup.policy=delete,archive" });
  assert.match(badPolicy, /"archive".*compact, delete/);
  const badRatio = oneProblem({ propertiesText: "log.cleaner.min.cleanable.ratio=1.5" });
  assert.match(badRatio, /between 0 and 1/);
});

test("values are trimmed and parsed the Kafka way", () => {
  const { config } = loadBrokerConfig({
    propertiesText:
      "num.partitions = +3 \nauto.create.topics.enable=FALSE\nlog.cleanup.policy= compact , delete ",
  });
  assert.equal(config.numPartitions, 3);
  assert.equal(config.autoCreateTopicsEnable, false);
  assert.deepStrictEqual(config.topicDefaults.logConfig.cleanupPolicy, { delete: true, compact: true });
  assert.equal(config.values.get("log.cleanup.policy")?.text, "compact,delete");
  assert.equal(
    config.values.get("log.cleanup.policy")?.raw,
    "compact , delete ",
    "as the file gave it, leading spaces aside",
  );
});

test("every problem is reported at once", () => {
  const problems = problemsOf({
    propertiesText: "num.partitions=0\nbogus.key=1\nlog.roll.hours=x",
    env: { SAMSA_MESSAGE_MAX_BYTES: "-5" },
  });
  assert.equal(problems.length, 4, problems.join("\n"));
});

test("a properties syntax error is reported with its line", () => {
  assert.match(
    oneProblem({ propertiesText: "a=1\nb=\\uZZZZ", propertiesName: "s.properties" }),
    /s\.properties: line 2/,
  );
});

test("log.dirs wins over log.dir; log.dir is used when log.dirs is unset", () => {
  assert.deepStrictEqual(loadBrokerConfig({ propertiesText: "log.dir=/a" }).config.logDirs, ["/a"]);
  const both = loadBrokerConfig({ propertiesText: "log.dir=/a\nlog.dirs=/b, /c" }).config;
  assert.deepStrictEqual(both.logDirs, ["/b", "/c"]);
  assert.match(oneProblem({ propertiesText: "log.dirs=/b,/b" }), /duplicates/);
  assert.match(oneProblem({ propertiesText: "log.dirs=" }), /must not be empty/);
});

test("node.id and broker.id: either may be given, and both must agree", () => {
  assert.equal(loadBrokerConfig({ propertiesText: "broker.id=7" }).config.nodeId, 7);
  assert.equal(loadBrokerConfig({ propertiesText: "node.id=7\nbroker.id=7" }).config.nodeId, 7);
  assert.match(oneProblem({ propertiesText: "node.id=7\nbroker.id=8" }), /must be equal/);
  assert.match(oneProblem({ propertiesText: "node.id=-1" }), /node\.id.*at least 0/);
});

test("the cleaner needs more than 1 MiB of dedupe memory per thread", () => {
  assert.match(
    oneProblem({ propertiesText: "log.cleaner.threads=2\nlog.cleaner.dedupe.buffer.size=2097152" }),
    /more than 1 MiB per cleaner thread/,
  );
  assert.equal(loadBrokerConfig({ propertiesText: "log.cleaner.threads=0" }).config.cleaner.threads, 0);
});

test("queued request bytes, when limited, must hold at least one largest request", () => {
  assert.equal(loadBrokerConfig().config.queuedMaxRequestBytes, -1);
  assert.match(
    oneProblem({ propertiesText: "queued.max.request.bytes=1000" }),
    /must be at least socket\.request\.max\.bytes/,
  );
  const { config } = loadBrokerConfig({ propertiesText: "queued.max.request.bytes=200000000" });
  assert.equal(config.queuedMaxRequestBytes, 200_000_000);
});

test("consumer-protocol groups: Kafka's defaults, bounds, assignor names and the protocol list", () => {
  const { groups } = loadBrokerConfig().config;
  assert.deepStrictEqual(
    [groups.consumerSessionTimeoutMs, groups.consumerHeartbeatIntervalMs, groups.rebalanceProtocols],
    [45_000, 5_000, ["classic", "consumer"]],
  );
  assert.deepStrictEqual(groups.consumerAssignors, ["uniform", "range"]);
  assert.equal(groups.offsetMetadataMaxBytes, 4096);
  const small = loadBrokerConfig({ overrides: ["offset.metadata.max.bytes=10"] });
  assert.equal(small.config.groups.offsetMetadataMaxBytes, 10);
  const byClass = loadBrokerConfig({
    overrides: ["group.consumer.assignors=org.apache.kafka.coordinator.group.assignor.RangeAssignor"],
  });
  assert.deepStrictEqual(
    byClass.config.groups.consumerAssignors,
    ["range"],
    "Kafka's class names map to short names",
  );
  assert.match(
    oneProblem({ overrides: ["group.consumer.session.timeout.ms=70000"] }),
    /group\.consumer\.session\.timeout\.ms \(70000\) must be between/,
  );
  assert.match(
    oneProblem({
      overrides: [
        "group.consumer.min.session.timeout.ms=1000",
        "group.consumer.session.timeout.ms=5000",
        "group.consumer.heartbeat.interval.ms=5000",
      ],
    }),
    /must be less than group\.consumer\.session\.timeout\.ms/,
  );
  assert.match(
    oneProblem({ overrides: ["group.coordinator.rebalance.protocols=consumer"] }),
    /must include classic/,
  );
  assert.match(oneProblem({ overrides: ["group.consumer.assignors=sticky"] }), /sticky/);
});

test("the console listener is http://host:port or none", () => {
  const { config } = loadBrokerConfig({ overrides: ["samsa.console.listener=http://[::1]:8081"] });
  assert.deepStrictEqual(config.consoleListener, { host: "::1", port: 8081 });
  assert.match(
    oneProblem({ overrides: ["samsa.console.listener=https://x:1"] }),
    /http:\/\/host:port or none/,
  );
});

test("tiered storage and authorizers are refused", () => {
  assert.match(oneProblem({ propertiesText: "remote.log.storage.system.enable=true" }), /tiered/);
  assert.equal(
    loadBrokerConfig({ propertiesText: "remote.log.storage.system.enable=false" }).warnings.length,
    0,
  );
  assert.match(oneProblem({ propertiesText: "authorizer.class.name=x.Y" }), /authorization is not supported/);
});

function problemOf(propertiesText: string): string {
  try {
    loadBrokerConfig({ propertiesText });
  } catch (error) {
    assert.ok(error instanceof BrokerConfigError);
    return error.problems.join("\n");
  }
  assert.fail("accepted");
}

test("listener syntax: NAME://host:port, empty host, IPv6 in brackets, name upper-cased", () => {
  assert.deepStrictEqual(parseListener("plaintext://localhost:9092"), {
    ok: true,
    value: { name: "PLAINTEXT", host: "localhost", port: 9092 },
  });
  assert.deepStrictEqual(parseListener("INTERNAL://:0"), {
    ok: true,
    value: { name: "INTERNAL", host: "", port: 0 },
  });
  assert.deepStrictEqual(parseListener("PLAINTEXT://[::1]:9092"), {
    ok: true,
    value: { name: "PLAINTEXT", host: "::1", port: 9092 },
  });
  assert.equal(formatListener({ name: "PLAINTEXT", host: "::1", port: 9092 }), "PLAINTEXT://[::1]:9092");
  for (const bad of [
    "localhost:9092",
    "PLAINTEXT://host",
    "PLAINTEXT://host:70000",
    "://host:1",
    "PLAIN TEXT://h:1",
  ])
    assert.equal(parseListener(bad).ok, false, bad);
});

test("a malformed listener is refused with the expected form", () => {
  assert.match(problemOf("listeners=localhost:9092"), /NAME:\/\/host:port/);
  assert.match(problemOf("advertised.listeners=PLAINTEXT://h:99999"), /port 99999/);
});

test("listeners must speak PLAINTEXT, and every name needs a security protocol", () => {
  assert.match(problemOf("listeners=SSL://:9093"), /SSL.*only PLAINTEXT/);
  assert.match(
    problemOf("listeners=INTERNAL://:9093"),
    /no security protocol is defined for listener INTERNAL/,
  );
  assert.match(problemOf("listener.security.protocol.map=PLAINTEXT:TLS"), /not a security protocol/);
  const { config } = loadBrokerConfig({
    propertiesText: "listeners=INTERNAL://127.0.0.1:9093\nlistener.security.protocol.map=INTERNAL:plaintext",
  });
  assert.equal(config.listenerSecurityProtocols.get("INTERNAL"), "PLAINTEXT");
});

test("Kafka's own combined-mode server.properties loads, with its controller listener kept apart", () => {
  const { config, warnings } = loadBrokerConfig({
    propertiesText: [
      "process.roles=broker,controller",
      "node.id=1",
      "controller.quorum.bootstrap.servers=localhost:9093",
      "listeners=PLAINTEXT://:9092,CONTROLLER://:9093",
      "inter.broker.listener.name=PLAINTEXT",
      "advertised.listeners=PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093",
      "controller.listener.names=CONTROLLER",
      "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
      "num.network.threads=3",
      "log.dirs=/tmp/kraft-combined-logs",
      "offsets.topic.replication.factor=1",
      "share.coordinator.state.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "log.retention.hours=168",
      "log.segment.bytes=1073741824",
      "log.retention.check.interval.ms=300000",
    ].join("\n"),
  });
  assert.ok(warnings.length > 0);
  assert.deepStrictEqual(config.brokerListeners, [{ name: "PLAINTEXT", host: "", port: 9092 }]);
  assert.deepStrictEqual(config.controllerListeners, [{ name: "CONTROLLER", host: "", port: 9093 }]);
  assert.deepStrictEqual(config.advertisedListeners, [{ name: "PLAINTEXT", host: "localhost", port: 9092 }]);
  assert.deepStrictEqual(config.controllerListenerNames, ["CONTROLLER"]);
});

test("with the protocol map left at its default, controller listeners are PLAINTEXT", () => {
  const { config } = loadBrokerConfig({
    propertiesText:
      "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093\ncontroller.listener.names=CONTROLLER",
  });
  assert.equal(config.listenerSecurityProtocols.get("CONTROLLER"), "PLAINTEXT");
});

test("Kafka's cross-listener rules", () => {
  assert.match(problemOf("listeners=PLAINTEXT://:9092,PLAINTEXT://:9093"), /duplicates|different name/);
  assert.match(
    problemOf("listeners=A://:9092,B://:9092\nlistener.security.protocol.map=A:PLAINTEXT,B:PLAINTEXT"),
    /different port/,
  );
  loadBrokerConfig({
    propertiesText:
      "listeners=A://127.0.0.1:9092,B://[::1]:9092,C://:0,D://:0\n" +
      "listener.security.protocol.map=A:PLAINTEXT,B:PLAINTEXT,C:PLAINTEXT,D:PLAINTEXT",
  });
  assert.match(problemOf("listeners=PLAINTEXT://0.0.0.0:9092"), /non-routable address 0\.0\.0\.0/);
  assert.match(
    problemOf(
      "advertised.listeners=OTHER://h:1\nlistener.security.protocol.map=OTHER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    ),
    /not one of the listener names/,
  );
  assert.match(problemOf("controller.listener.names=CONTROLLER"), /CONTROLLER must also appear in listeners/);
  assert.match(problemOf("process.roles=broker"), /at least one listener when this node is only a broker/);
  assert.match(problemOf("inter.broker.listener.name=OTHER"), /inter\.broker\.listener\.name: OTHER/);
  assert.match(problemOf("process.roles=broker,broker"), /duplicates/);
  assert.match(problemOf("process.roles=observer"), /broker, controller/);
});

test("binding every interface needs a routable advertised listener", () => {
  const { config } = loadBrokerConfig({
    propertiesText:
      "listeners=PLAINTEXT://0.0.0.0:9092\nadvertised.listeners=PLAINTEXT://broker-1.example:9092",
  });
  assert.deepStrictEqual(config.listeners, [{ name: "PLAINTEXT", host: "0.0.0.0", port: 9092 }]);
  assert.deepStrictEqual(config.advertisedListeners, [
    { name: "PLAINTEXT", host: "broker-1.example", port: 9092 },
  ]);
});
