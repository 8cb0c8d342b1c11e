import { describe, expect, it } from "vitest";
import { mapSegmentCall, SEGMENT_MESSAGE_ID_NAMESPACE, segmentRejection, uuidV5 } from "./segment.mapping.js";

const RECEIVED = Date.parse("2024-05-01T12:00:00.000Z");
const call = (over: Record<string, unknown> = {}) => ({
  type: "track",
  event: "Signed Up",
  userId: "u1",
  messageId: "ajs-next-1714564800000-abc",
  ...over,
});

describe("uuidV5", () => {
  it("matches RFC 9562 name-based UUIDs", () => {
    // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") (example in the Python docs)
    expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "886313e1-3b8a-5372-9b90-0c9aee199e5d",
    );
  });
});

describe("mapSegmentCall", () => {
  it("derives the event id from the messageId only", () => {
    const id = (over: Record<string, unknown>, receivedAt: number) => {
      const m = mapSegmentCall(call(over), { receivedAt });
      if (m.kind !== "track") throw new Error(`not a track event: ${JSON.stringify(m)}`);
      return m.event.id;
    };
    const expected = uuidV5("ajs-next-1714564800000-abc", SEGMENT_MESSAGE_ID_NAMESPACE);
    expect(id({}, RECEIVED)).toBe(expected);
    expect(id({ event: "Other", userId: "u2" }, RECEIVED + 1)).toBe(expected);
    expect(id({ messageId: "ajs-next-1714564800000-abd" }, RECEIVED)).not.toBe(expected);
  });

  it("timestamp: `timestamp`, else receivedAt - (sentAt - originalTimestamp), else originalTimestamp, else receivedAt", () => {
    const ts = (over: Record<string, unknown>, batchSentAt?: number) => {
      const m = mapSegmentCall(call(over), { receivedAt: RECEIVED, batchSentAt });
      return m.kind === "track" ? [m.event.timestamp, m.sources.timestamp] : m;
    };
    expect(ts({ timestamp: "2024-05-01T08:00:00+02:00", originalTimestamp: "2020-01-01T00:00:00Z" })).toEqual(
      ["2024-05-01T08:00:00+02:00", "timestamp"],
    );
    // Sender clock 3 h behind: it stamped 09:00:00, sent at 09:00:30; received 12:00:00 -> 11:59:30.
    const skewed = { originalTimestamp: "2024-05-01T09:00:00Z", sentAt: "2024-05-01T09:00:30Z" };
    expect(ts(skewed)).toEqual(["2024-05-01T11:59:30.000Z", "originalTimestamp"]);
    // The batch's sentAt when the call has none.
    expect(ts({ originalTimestamp: "2024-05-01T09:00:00Z" }, Date.parse("2024-05-01T09:01:00Z"))).toEqual([
      "2024-05-01T11:59:00.000Z",
      "originalTimestamp",
    ]);
    expect(ts({ originalTimestamp: "2024-05-01T09:00:00Z" })).toEqual([
      "2024-05-01T09:00:00.000Z",
      "originalTimestamp",
    ]);
    expect(ts({})).toEqual(["2024-05-01T12:00:00.000Z", "receivedAt"]);
    expect(ts({ originalTimestamp: "2024-05-01T09:00:00Z", sentAt: 5 })).toEqual({
      kind: "invalid",
      field: "sentAt",
      message: "must be an ISO-8601 date-time string with a UTC offset",
    });
  });
});

describe("segmentRejection", () => {
  it("names the Segment field an events-service reason came from", () => {
    const sources = {
      unitId: "anonymousId",
      value: "properties.value",
      timestamp: "originalTimestamp",
    } as const;
    expect(segmentRejection("name: must not contain a NUL character", sources)).toEqual({
      field: "event",
      message: "must not contain a NUL character",
    });
    expect(segmentRejection("unitId: too long", sources).field).toBe("anonymousId");
    expect(segmentRejection("value: must be between", sources).field).toBe("properties.value");
    expect(segmentRejection("timestamp: more than 24 h in the future", sources).field).toBe(
      "originalTimestamp",
    );
    expect(
      segmentRejection("properties: properties.a.b: string longer than 256 characters", sources),
    ).toEqual({
      field: "properties.a.b",
      message: "string longer than 256 characters",
    });
    expect(
      segmentRejection("the database refused a value of this event (SQLSTATE 23514)", sources).field,
    ).toBe("");
  });
});
