// kafkajs (npm): admin (create topics, metadata), a producer sending each codec
// with acks=-1 and acks=1, and one consumer group per topic so each Fetch
// response carries a single codec. Snappy comes from kafkajs-snappy, the codec
// kafkajs users install; kafkajs has no LZ4 or zstd of its own.

import kafkajs, { type Kafka } from "kafkajs";
import snappyCodec from "kafkajs-snappy";
import { goldenRecords } from "./golden-records.ts";

// kafkajs is CommonJS and its exports are not all visible to ESM as named imports.
const { CompressionCodecs, CompressionTypes, Kafka: KafkaClient, logLevel } = kafkajs;

const codecs = [
  { name: "none", type: CompressionTypes.None },
  { name: "gzip", type: CompressionTypes.GZIP },
  { name: "snappy", type: CompressionTypes.Snappy },
] as const;
const ackModes = [-1, 1] as const;
const consumeTimeoutMs = 30_000;

export async function driveKafkajs(bootstrap: string): Promise<void> {
  CompressionCodecs[CompressionTypes.Snappy] = snappyCodec;
  const kafka = new KafkaClient({
    clientId: "golden-kafkajs",
    brokers: [bootstrap],
    // Retried errors (the group coordinator still loading) are expected here; real ones throw.
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
  });
  const topics = codecs.map((codec) => `kafkajs-${codec.name}`);
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions: 1, replicationFactor: 1 })),
      waitForLeaders: true,
    });
    await admin.fetchTopicMetadata({ topics });
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const codec of codecs) {
      for (const acks of ackModes) {
        const messages = goldenRecords(codec.name).map((record) => ({ ...record, partition: 0 }));
        await producer.send({ topic: `kafkajs-${codec.name}`, acks, compression: codec.type, messages });
      }
    }
  } finally {
    await producer.disconnect();
  }
  for (const topic of topics) await consumeAll(kafka, topic, ackModes.length * goldenRecords("").length);
}

async function consumeAll(kafka: Kafka, topic: string, expected: number): Promise<void> {
  const consumer = kafka.consumer({ groupId: `golden-${topic}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let received = 0;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`kafkajs consumed ${received}/${expected} from ${topic}`)),
        consumeTimeoutMs,
      );
      consumer
        .run({
          eachMessage: async () => {
            received += 1;
            if (received >= expected) resolve();
          },
        })
        .catch(reject);
    }).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
}
