/**
 * The shape of the message descriptors that the generator emits beside each
 * codec. They mirror Kafka's JSON specs closely enough to derive test data,
 * fuzz inputs and the API-version table from, without the JSON at run time.
 */
import type { Reader, Writer } from "./primitives.ts";

/** Inclusive [min, max]; min > max is the empty range. 32767 stands for "and later". */
export type VersionRange = readonly [min: number, max: number];

export type FieldDefault = number | bigint | boolean | string | null | "empty-array" | "default-struct";

export interface FieldSchema {
  readonly name: string;
  /** Kafka's type name: `int32`, `string`, `[]int32`, a struct name, `[]StructName`. */
  readonly type: string;
  readonly versions: VersionRange;
  readonly nullableVersions: VersionRange;
  readonly taggedVersions: VersionRange;
  readonly tag: number | null;
  readonly ignorable: boolean;
  /** A field-level override of the message's flexible versions. */
  readonly flexibleVersions: VersionRange | null;
  readonly default: FieldDefault;
  /** For struct and struct-array types: the struct's fields. */
  readonly fields?: readonly FieldSchema[];
}

export interface MessageSchema {
  readonly name: string;
  /** `request`, `response`, `header`, `data`, `coordinator-key` or `coordinator-value`. */
  readonly type: string;
  readonly apiKey: number | null;
  readonly listeners: readonly string[];
  readonly validVersions: VersionRange;
  readonly flexibleVersions: VersionRange;
  readonly latestVersionUnstable: boolean;
  readonly fields: readonly FieldSchema[];
}

export interface MessageCodec<T> {
  readonly schema: MessageSchema;
  decode(reader: Reader, version: number): T;
  encode(writer: Writer, version: number, message: T): void;
}

export function inRange(range: VersionRange, version: number): boolean {
  return range[0] <= version && version <= range[1];
}
