/**
 * Request and response headers, with the quirks the specs alone don't say:
 * - the request header version follows the API version's flexibility
 *   (v1 for classic versions, v2 for flexible ones); v0, without a client id,
 *   belongs only to the long-removed ControlledShutdown v0;
 * - the request header's client id is never compactly encoded, even in v2
 *   (its spec sets `flexibleVersions: none`), so a broker can read it before
 *   it knows whether it understands the API version;
 * - ApiVersions responses always use response header v0, so a client that
 *   sent a version the broker doesn't know can still read the answer.
 */
import { ApiKey, isFlexibleVersion } from "./api-keys.ts";
import {
  decodeRequestHeader as decodeGeneratedHeader,
  encodeRequestHeader as encodeGeneratedHeader,
} from "./messages/request-header.ts";
import type { Reader, TaggedField, Writer } from "./primitives.ts";
import { readUnknownTaggedFields, writeTaggedFields } from "./tagged-fields.ts";

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Null in header v0 and when the client sends none. */
  clientId: string | null;
  _unknownTaggedFields?: TaggedField[];
}

export interface ResponseHeader {
  correlationId: number;
  _unknownTaggedFields?: TaggedField[];
}

/** The first eight bytes of every request header, readable whatever the API and version. */
export interface RequestHeaderPrefix {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
}

const HEADER_PREFIX_BYTES = 8;

export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ControlledShutdown && apiVersion === 0) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 2 : 1;
}

export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  return isFlexibleVersion(apiKey, apiVersion) ? 1 : 0;
}

/** Reads apiKey, apiVersion and correlationId without consuming anything; null if the frame is too short. */
export function peekRequestHeader(frame: Buffer): RequestHeaderPrefix | null {
  if (frame.length < HEADER_PREFIX_BYTES) return null;
  return {
    apiKey: frame.readInt16BE(0),
    apiVersion: frame.readInt16BE(2),
    correlationId: frame.readInt32BE(4),
  };
}

export function decodeRequestHeader(r: Reader, headerVersion: number): RequestHeader {
  if (headerVersion === 0) {
    return { apiKey: r.int16(), apiVersion: r.int16(), correlationId: r.int32(), clientId: null };
  }
  const header = decodeGeneratedHeader(r, headerVersion);
  return {
    apiKey: header.requestApiKey,
    apiVersion: header.requestApiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId ?? null,
    _unknownTaggedFields: header._unknownTaggedFields,
  };
}

export function encodeRequestHeader(w: Writer, headerVersion: number, header: RequestHeader): void {
  if (headerVersion === 0) {
    w.int16(header.apiKey);
    w.int16(header.apiVersion);
    w.int32(header.correlationId);
    return;
  }
  encodeGeneratedHeader(w, headerVersion, {
    requestApiKey: header.apiKey,
    requestApiVersion: header.apiVersion,
    correlationId: header.correlationId,
    clientId: header.clientId,
    _unknownTaggedFields: header._unknownTaggedFields,
  });
}

export function decodeResponseHeader(r: Reader, headerVersion: number): ResponseHeader {
  const correlationId = r.int32();
  if (headerVersion === 0) return { correlationId };
  return { correlationId, _unknownTaggedFields: readUnknownTaggedFields(r) };
}

export function encodeResponseHeader(w: Writer, headerVersion: number, header: ResponseHeader): void {
  w.int32(header.correlationId);
  if (headerVersion >= 1) writeTaggedFields(w, undefined, header._unknownTaggedFields);
}
