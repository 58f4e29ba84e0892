/** A manual-time driver for GroupCoordinator tests: counter ids, request ids, typed response lookups. */
import assert from "node:assert/strict";
import {
  type CoordinatorInput,
  GroupCoordinator,
} from "../../../../src/coordinator/group/group-coordinator.ts";
import type {
  CoordinatorOutput,
  GroupCoordinatorConfig,
  GroupResponse,
  TopicsView,
} from "../../../../src/coordinator/group/types.ts";
import { encodeConsumerProtocolSubscription } from "../../../../src/protocol/messages/consumer-protocol-subscription.ts";
import { Writer } from "../../../../src/protocol/primitives.ts";

export const GROUP = "g1";
export const SESSION_MS = 10_000;
export const REBALANCE_MS = 30_000;

export function subscription(...topics: string[]): Buffer {
  const w = new Writer(64);
  w.int16(1);
  encodeConsumerProtocolSubscription(w, 1, { topics, userData: null, ownedPartitions: [] });
  return w.toBuffer();
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Body<K extends GroupResponse["kind"]> = Extract<GroupResponse, { kind: K }>["body"];

export class Harness {
  readonly coordinator: GroupCoordinator;
  nowMs = 1_000;
  private nextRequestId = 1;
  private idCounter = 0;
  readonly outputs: CoordinatorOutput[] = [];

  constructor(config: Partial<GroupCoordinatorConfig> = {}, topics?: TopicsView) {
    this.coordinator = new GroupCoordinator({
      ids: { nextId: () => `id${++this.idCounter}` },
      config: { initialRebalanceDelayMs: 0, minSessionTimeoutMs: 1_000, ...config },
      ...(topics === undefined ? {} : { topics }),
    });
  }

  send(input: DistributiveOmit<CoordinatorInput, "requestId">): {
    requestId: number;
    out: CoordinatorOutput;
  } {
    const requestId = this.nextRequestId++;
    const out = this.coordinator.handle({ ...input, requestId } as CoordinatorInput, this.nowMs);
    this.outputs.push(out);
    return { requestId, out };
  }

  advance(ms: number): CoordinatorOutput {
    this.nowMs += ms;
    const out = this.coordinator.tick(this.nowMs);
    this.outputs.push(out);
    return out;
  }

  /** The response to `requestId` from any output so far; fails when absent. */
  response<K extends GroupResponse["kind"]>(kind: K, requestId: number): Body<K> {
    const found = this.maybeResponse(kind, requestId);
    assert(found !== undefined, `no ${kind} response for request ${requestId}`);
    return found;
  }

  maybeResponse<K extends GroupResponse["kind"]>(kind: K, requestId: number): Body<K> | undefined {
    let found: unknown;
    for (const out of this.outputs) {
      for (const r of out.responses) if (r.kind === kind && r.requestId === requestId) found = r.body;
    }
    return found as Body<K> | undefined;
  }

  join(opts: {
    memberId?: string;
    instanceId?: string | null;
    clientId?: string;
    version?: number;
    topics?: string[];
    protocols?: string[];
    sessionMs?: number;
    group?: string;
  }) {
    const topics = opts.topics ?? ["t"];
    return this.send({
      kind: "joinGroup",
      apiVersion: opts.version ?? 9,
      clientId: opts.clientId ?? "c",
      clientHost: "/127.0.0.1",
      body: {
        groupId: opts.group ?? GROUP,
        sessionTimeoutMs: opts.sessionMs ?? SESSION_MS,
        rebalanceTimeoutMs: REBALANCE_MS,
        memberId: opts.memberId ?? "",
        groupInstanceId: opts.instanceId ?? null,
        protocolType: "consumer",
        protocols: (opts.protocols ?? ["range"]).map((name) => ({ name, metadata: subscription(...topics) })),
      },
    });
  }

  /** KIP-394 two-step join; returns the assigned member id and the parked join's request id. */
  joinNew(opts: { clientId?: string; topics?: string[] } = {}): { memberId: string; requestId: number } {
    const first = this.join(opts);
    const r = this.response("joinGroup", first.requestId);
    assert.equal(r.errorCode, 79);
    const second = this.join({ ...opts, memberId: r.memberId });
    return { memberId: r.memberId, requestId: second.requestId };
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Buffer }[] = [],
    instanceId: string | null = null,
  ) {
    return this.send({
      kind: "syncGroup",
      apiVersion: 5,
      body: {
        groupId: GROUP,
        generationId,
        memberId,
        groupInstanceId: instanceId,
        protocolType: "consumer",
        protocolName: "range",
        assignments,
      },
    });
  }

  heartbeat(memberId: string, generationId: number, instanceId: string | null = null) {
    return this.send({
      kind: "heartbeat",
      apiVersion: 4,
      body: { groupId: GROUP, generationId, memberId, groupInstanceId: instanceId },
    });
  }

  commit(
    memberId: string,
    generationId: number,
    topic: string,
    partition: number,
    offset: bigint,
    version = 8,
  ) {
    return this.send({
      kind: "offsetCommit",
      apiVersion: version,
      body: {
        groupId: GROUP,
        generationIdOrMemberEpoch: generationId,
        memberId,
        groupInstanceId: null,
        topics: [
          {
            name: topic,
            partitions: [
              {
                partitionIndex: partition,
                committedOffset: offset,
                committedLeaderEpoch: 3,
                committedMetadata: "m",
              },
            ],
          },
        ],
      },
    });
  }

  fetch(topics: { name: string; partitionIndexes: number[] }[] | null, version = 7) {
    const body =
      version >= 8
        ? { groups: [{ groupId: GROUP, topics }], requireStable: false }
        : { groupId: GROUP, topics, requireStable: false };
    const { requestId } = this.send({ kind: "offsetFetch", apiVersion: version, body });
    return this.response("offsetFetch", requestId);
  }

  state(): string | null {
    return this.coordinator.groupState(GROUP);
  }
}
