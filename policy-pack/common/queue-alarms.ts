import { PolicyResource } from "@pulumi/policy";
import { TYPES } from "./types";
import { probe, Probe } from "./unknowns";
import { allOf, anyOf, equalsProbe, probeString, sourcesOf, StackIndex, Tri } from "../stack-graph";

export const DLQ_ALARM_NAMESPACE = "AWS/SQS";
export const DLQ_ALARM_METRIC = "ApproximateNumberOfMessagesVisible";

/** One metric an alarm watches: the alarm's own fields, or one entry of its metricQueries. */
interface Metric {
  namespace: Probe<string | undefined>;
  metricName: Probe<string | undefined>;
  queueName: Probe<string | undefined>;
  /** The alarm property the engine records this metric's sources under. */
  property: string;
}

function metricsOf(alarm: PolicyResource): { metrics: Metric[]; queriesUnknown: boolean } {
  const metrics: Metric[] = [
    {
      namespace: probeString(() => alarm.props.namespace),
      metricName: probeString(() => alarm.props.metricName),
      queueName: probeString(() => alarm.props.dimensions?.QueueName),
      property: "dimensions",
    },
  ];
  const queries = probe(() => alarm.props.metricQueries);
  if (!queries.known) return { metrics, queriesUnknown: true };
  const list: unknown[] = Array.isArray(queries.value) ? queries.value : [];
  list.forEach((_, i) => {
    const metric = () => (queries.value as any[])[i]?.metric;
    metrics.push({
      namespace: probeString(() => metric()?.namespace),
      metricName: probeString(() => metric()?.metricName),
      queueName: probeString(() => metric()?.dimensions?.QueueName),
      property: "metricQueries",
    });
  });
  return { metrics, queriesUnknown: false };
}

/** Could the metric watch some queue's depth (namespace and metric not known to be others)? */
function mayWatchDepth(m: Metric): boolean {
  return equalsProbe(m.namespace, DLQ_ALARM_NAMESPACE) !== "no" && equalsProbe(m.metricName, DLQ_ALARM_METRIC) !== "no";
}

function metricWatches(m: Metric, alarm: PolicyResource, queue: PolicyResource, queueName: Probe<string | undefined>): Tri {
  let sameQueue: Tri;
  // Known names decide; only when one is unknown (preview) does "the dimension was computed from the queue" count.
  if (m.queueName.known && queueName.known) {
    sameQueue = m.queueName.value !== undefined && m.queueName.value === queueName.value ? "yes" : "no";
  } else sameQueue = sourcesOf(alarm, m.property).some((r) => r.urn === queue.urn) ? "yes" : "undecided";
  return allOf([equalsProbe(m.namespace, DLQ_ALARM_NAMESPACE), equalsProbe(m.metricName, DLQ_ALARM_METRIC), sameQueue]);
}

/**
 * The stack's alarms indexed so that each queue is matched against the few alarms that can watch it: those naming its
 * QueueName, those computed from it, and (only to say "unverified") the first few whose queue is unknown.
 */
export class QueueAlarms {
  private readonly metrics = new Map<PolicyResource, { metrics: Metric[]; queriesUnknown: boolean }>();
  /** Alarms whose queue is unknown: they might watch any queue (known name), or any queue at all (unknown name). */
  private readonly openForKnownName: PolicyResource[] = [];
  private readonly openForUnknownName: PolicyResource[] = [];

  constructor(private readonly index: StackIndex) {
    for (const alarm of index.ofType(TYPES.metricAlarm)) {
      const read = metricsOf(alarm);
      this.metrics.set(alarm, read);
      const depth = read.metrics.filter(mayWatchDepth);
      if (read.queriesUnknown || depth.some((m) => !m.queueName.known)) this.openForKnownName.push(alarm);
      if (read.queriesUnknown || depth.length > 0) this.openForUnknownName.push(alarm);
    }
  }

  private named(name: string): PolicyResource[] {
    return this.index.find(TYPES.metricAlarm, "queueName", (a) => this.metrics.get(a)!.metrics.filter(mayWatchDepth).flatMap((m) => (m.queueName.known && m.queueName.value ? [m.queueName.value] : [])), name);
  }

  private fedBy(queue: PolicyResource): PolicyResource[] {
    return this.index.find(TYPES.metricAlarm, "queue-source", (a) => [...sourcesOf(a, "dimensions"), ...sourcesOf(a, "metricQueries")].map((r) => r.urn), queue.urn);
  }

  /** "yes" when an alarm watches the queue's depth; "undecided" with the alarms that might; else "no". */
  verdict(queue: PolicyResource): { verdict: Tri; maybe: PolicyResource[] } {
    const queueName = probeString(() => queue.props.name);
    const candidates = new Set([...(queueName.known && queueName.value ? this.named(queueName.value) : []), ...this.fedBy(queue)]);
    const maybe: PolicyResource[] = [];
    for (const alarm of candidates) {
      const { metrics, queriesUnknown } = this.metrics.get(alarm)!;
      const verdict = anyOf([...metrics.map((m) => metricWatches(m, alarm, queue, queueName)), ...(queriesUnknown ? ["undecided" as Tri] : [])]);
      if (verdict === "yes") return { verdict, maybe: [] };
      if (verdict === "undecided") maybe.push(alarm);
    }
    // Any other alarm whose queue is unknown might watch this one: never "yes", but "undecided" (those not yet judged).
    for (const alarm of queueName.known ? this.openForKnownName : this.openForUnknownName) if (!candidates.has(alarm)) maybe.push(alarm);
    return { verdict: maybe.length > 0 ? "undecided" : "no", maybe };
  }
}
