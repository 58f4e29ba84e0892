/**
 * Tagged fields (KIP-482) shared by every generated codec: a count, then per
 * field its tag, its size and its bytes, in ascending tag order. Fields this
 * codec does not know are kept verbatim so that re-encoding preserves them.
 */
import { type Reader, type TaggedField, Writer } from "./primitives.ts";

/** A known tagged field ready to be written: its tag and how to write its value. */
export type TaggedWrite = readonly [tag: number, write: (w: Writer) => void];

const NO_TAGGED_WRITES: readonly TaggedWrite[] = [];

export function readUnknownTaggedFields(r: Reader): TaggedField[] | undefined {
  const count = r.count();
  let unknown: TaggedField[] | undefined;
  for (let i = 0; i < count && !r.failed; i++) {
    const tag = r.uvarint();
    unknown = addUnknownTaggedField(unknown, tag, r.raw(r.uvarint()));
  }
  return unknown;
}

export function addUnknownTaggedField(
  unknown: TaggedField[] | undefined,
  tag: number,
  data: Buffer,
): TaggedField[] {
  const list = unknown ?? [];
  list.push({ tag, data });
  return list;
}

export function writeTaggedFields(
  w: Writer,
  known: readonly TaggedWrite[] = NO_TAGGED_WRITES,
  unknown: readonly TaggedField[] | undefined = undefined,
): void {
  const unknownCount = unknown === undefined ? 0 : unknown.length;
  w.uvarint(known.length + unknownCount);
  if (known.length === 0 && unknownCount === 0) return;
  const entries: TaggedWrite[] = [...known];
  for (const field of unknown ?? []) entries.push([field.tag, (out) => out.raw(field.data)]);
  entries.sort((a, b) => a[0] - b[0]);
  for (const [tag, write] of entries) {
    const body = new Writer(64);
    write(body);
    w.uvarint(tag);
    w.uvarint(body.length);
    w.append(body);
  }
}
