/**
 * The contract between the connection layer and the per-API handlers.
 *
 * Every handler file (`handlers/NN-name.ts`) exports one `Handler`: its API
 * key, the version range it serves, and `handle`. The registry built from
 * them is the only source ApiVersions answers from, so what is advertised
 * can never drift from what is served.
 */
import type { RequestHeader } from "../protocol/headers.ts";
import type { Broker } from "./broker.ts";

export interface RequestContext {
  readonly broker: Broker;
  readonly header: RequestHeader;
  readonly apiVersion: number;
  /** "host:port" of the client, for logs. */
  readonly clientAddress: string;
  /** Milliseconds since the epoch when the frame arrived. */
  readonly receivedAtMs: number;
}

/**
 * What a handler gives back:
 * - a response body, sent once every earlier response on the connection is out;
 * - `{ later: promise }`: the request's ordered work is done (e.g. a Produce's
 *   batches are in the log) and the connection may take the next request
 *   while this response waits (e.g. for the fsync of acks=all);
 * - `null`: no response at all (Produce with acks=0).
 */
export type HandlerReply = object | { later: Promise<object | null> } | null;

export interface Handler<Request = unknown> {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(context: RequestContext, request: Request): Promise<HandlerReply>;
}

export function isDeferred(reply: HandlerReply): reply is { later: Promise<object | null> } {
  return reply !== null && "later" in reply && reply.later instanceof Promise;
}

/**
 * Thrown by a handler to close the connection without answering — Kafka's
 * way of telling an acks=0 producer that its request failed.
 */
export class CloseConnection extends Error {
  override readonly name = "CloseConnection";
}
