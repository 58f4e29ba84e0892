// Reads `acks` from a Produce request frame, to tell acks=all from acks=1
// captures apart. Produce v9+ is flexible: header v2 (tagged fields after the
// client id) and a compact transactional id; v3..v8 use header v1 and an
// int16-length transactional id.

import { readRequestHeaderPrefix } from "../kafka/kafka-frames.ts";

const produceApiKey = 0;
const firstFlexibleVersion = 9;

export function produceAcks(frame: Buffer): number {
  const { apiKey, apiVersion } = readRequestHeaderPrefix(frame);
  if (apiKey !== produceApiKey) throw new Error(`not a Produce request (api key ${apiKey})`);
  const reader = { offset: 8 };
  const clientIdBytes = frame.readInt16BE(reader.offset);
  reader.offset += 2 + Math.max(0, clientIdBytes);
  if (apiVersion >= firstFlexibleVersion) {
    const taggedFieldCount = readUnsignedVarint(frame, reader);
    for (let i = 0; i < taggedFieldCount; i++) {
      readUnsignedVarint(frame, reader); // tag
      reader.offset += readUnsignedVarint(frame, reader);
    }
    const transactionalIdLengthPlusOne = readUnsignedVarint(frame, reader);
    reader.offset += Math.max(0, transactionalIdLengthPlusOne - 1);
  } else {
    const transactionalIdBytes = frame.readInt16BE(reader.offset);
    reader.offset += 2 + Math.max(0, transactionalIdBytes);
  }
  return frame.readInt16BE(reader.offset);
}

function readUnsignedVarint(frame: Buffer, reader: { offset: number }): number {
  let value = 0;
  for (let shift = 0; shift <= 28; shift += 7) {
    const byte = frame.readUInt8(reader.offset);
    reader.offset += 1;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return value;
  }
  throw new Error("unsigned varint longer than 5 bytes");
}
