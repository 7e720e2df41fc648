import { episodeIdOf, type MetricAlert } from '../insight/metric-watch';
import { CHANNELS, type SurveyResponse } from '../surveys/response';
import { eventEnvelope, type EventEnvelope, type MetricAlertData } from './events';

const isChannel = (value: string | undefined): value is SurveyResponse['channel'] => (CHANNELS as readonly string[]).includes(value ?? '');

/** The payload of `metric.alert`: what fell or went silent, where, over which days, and the two figures. */
export function metricAlertData(alert: MetricAlert, reportUrl?: string): MetricAlertData {
  return {
    kind: alert.kind === 'silence' ? 'silence' : 'drop',
    metric: alert.metric,
    surveyId: alert.surveyId,
    ...(alert.touchpoint !== undefined && { touchpoint: alert.touchpoint }),
    ...(isChannel(alert.channel) && { channel: alert.channel }),
    window: { from: alert.window.from, to: alert.window.to },
    value: alert.value,
    baseline: alert.baseline,
    ...(reportUrl && { reportUrl }),
  };
}

/** The envelope of an episode's alert: its id comes from the episode, so a retried notification queues nothing new. */
export function metricAlertEvent(alert: MetricAlert, reportUrl?: string): EventEnvelope<'metric.alert'> {
  return eventEnvelope('metric.alert', metricAlertData(alert, reportUrl), { subjectId: episodeIdOf(alert), sequence: alert.episode, occurredAt: alert.openedAt });
}
