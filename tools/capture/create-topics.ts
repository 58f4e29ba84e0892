// Creates topics ahead of a client that cannot (kcat). Left to auto-creation,
// librdkafka's first Produce races the new topic's leader election and splits
// the records into several batches, which makes the fixtures vary run to run.

import kafkajs from "kafkajs";

const { Kafka, logLevel } = kafkajs;

export async function createTopics(bootstrap: string, topics: readonly string[]): Promise<void> {
  const kafka = new Kafka({ clientId: "golden-setup", brokers: [bootstrap], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}
