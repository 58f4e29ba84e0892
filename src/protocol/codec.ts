/**
 * Whole-message and whole-frame encoding on top of the generated codecs:
 * version checks, header selection, trailing-byte checks. Frames here are
 * the bytes after Kafka's 4-byte size prefix.
 */
import { apiInfo } from "./api-keys.ts";
import {
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  peekRequestHeader,
  type RequestHeader,
  type ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from "./headers.ts";
import { requestCodecs, responseCodecs } from "./messages/index.ts";
import { DecodeError, Reader, Writer } from "./primitives.ts";
import { inRange, type MessageCodec } from "./schema.ts";

/** Throws the reader's failure as a DecodeError, and rejects bytes left over after a message. */
export function finishDecode(r: Reader, what: string): void {
  if (r.failed) throw new DecodeError(`${what}: ${r.failureReason}`);
  if (r.remaining !== 0) throw new DecodeError(`${what}: ${r.remaining} unexpected trailing bytes`);
}

function checkVersion(codec: MessageCodec<unknown>, version: number): void {
  if (!inRange(codec.schema.validVersions, version)) {
    throw new DecodeError(`${codec.schema.name} has no version ${version}`);
  }
}

export function decodeMessage<T>(codec: MessageCodec<T>, bytes: Buffer, version: number): T {
  checkVersion(codec, version);
  const r = new Reader(bytes);
  const message = codec.decode(r, version);
  finishDecode(r, `${codec.schema.name} v${version}`);
  return message;
}

export function encodeMessage<T>(codec: MessageCodec<T>, version: number, message: T): Buffer {
  const w = new Writer();
  codec.encode(w, version, message);
  return w.toBuffer();
}

export interface DecodedRequest {
  header: RequestHeader;
  body: unknown;
}

export function requestCodec(apiKey: number): MessageCodec<unknown> | undefined {
  return requestCodecs.get(apiKey);
}

export function responseCodec(apiKey: number): MessageCodec<unknown> | undefined {
  return responseCodecs.get(apiKey);
}

/** Decodes a request frame whose API key and version this codec knows. */
export function decodeRequestFrame(frame: Buffer): DecodedRequest {
  const prefix = peekRequestHeader(frame);
  if (prefix === null) throw new DecodeError(`request frame of ${frame.length} bytes has no header`);
  const codec = requestCodecs.get(prefix.apiKey);
  if (codec === undefined || apiInfo(prefix.apiKey) === undefined) {
    throw new DecodeError(`unknown API key ${prefix.apiKey}`);
  }
  checkVersion(codec, prefix.apiVersion);
  const r = new Reader(frame);
  const header = decodeRequestHeader(r, requestHeaderVersion(prefix.apiKey, prefix.apiVersion));
  const body = codec.decode(r, prefix.apiVersion);
  finishDecode(r, `${codec.schema.name} v${prefix.apiVersion}`);
  return { header, body };
}

export function encodeRequestFrame(header: RequestHeader, body: unknown): Writer {
  const codec = requestCodecs.get(header.apiKey);
  if (codec === undefined) throw new DecodeError(`unknown API key ${header.apiKey}`);
  const w = new Writer();
  encodeRequestHeader(w, requestHeaderVersion(header.apiKey, header.apiVersion), header);
  codec.encode(w, header.apiVersion, body);
  return w;
}

export interface DecodedResponse {
  header: ResponseHeader;
  body: unknown;
}

/** Decodes a response frame; the caller knows which request it answers. */
export function decodeResponseFrame(apiKey: number, apiVersion: number, frame: Buffer): DecodedResponse {
  const codec = responseCodecs.get(apiKey);
  if (codec === undefined) throw new DecodeError(`unknown API key ${apiKey}`);
  checkVersion(codec, apiVersion);
  const r = new Reader(frame);
  const header = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion));
  const body = codec.decode(r, apiVersion);
  finishDecode(r, `${codec.schema.name} v${apiVersion}`);
  return { header, body };
}

export function encodeResponseFrame(
  apiKey: number,
  apiVersion: number,
  header: ResponseHeader,
  body: unknown,
): Writer {
  const codec = responseCodecs.get(apiKey);
  if (codec === undefined) throw new DecodeError(`unknown API key ${apiKey}`);
  const w = new Writer();
  encodeResponseHeader(w, responseHeaderVersion(apiKey, apiVersion), header);
  codec.encode(w, apiVersion, body);
  return w;
}
