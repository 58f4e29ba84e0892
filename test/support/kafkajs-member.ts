/**
 * A consumer-group member in its own process (for tests that kill it):
 * `node --import tsx test/support/kafkajs-member.ts <bootstrap> <topic> <group>`.
 * Prints `consumed <value>` for each record after committing its offset.
 */
import kafkajs from "kafkajs";

const [bootstrap, topic, group] = process.argv.slice(2);
const { Kafka, logLevel } = kafkajs;
const kafka = new Kafka({ brokers: [bootstrap], clientId: "member", logLevel: logLevel.NOTHING });
const consumer = kafka.consumer({ groupId: group, sessionTimeout: 3000, heartbeatInterval: 300 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ partition, message }) => {
    await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
    process.stdout.write(`consumed ${String(message.value)}\n`);
  },
});
