import { enqueueEvent } from '../domain/destinations/delivery';
import { metricAlertEvent } from '../domain/destinations/metric-alert-event';
import type { MetricAlert, MetricWatchDeps } from '../domain/insight/metric-watch';
import type { MetricAlertOutbox } from '../domain/insight/ports';
import { chatMessage, metricAlertCard } from '../views/chat';
import { metricAlertEmail } from '../views/metric-alert-email';
import { publicUrl } from './config';
import { aggregateStore, deliveryStore, metricWatchStore, surveyStore } from './dependencies';
import { cachedDestinations } from './destination-list';
import { emailSender } from './senders';

/** What the metric alerts need, as of now: surveys, day cells, watches, the owner's e-mail and the destinations. */
export function metricWatchDeps(): MetricWatchDeps {
  const base = publicUrl();
  // The dashboard over both compared periods, for the survey (it asks for a sign-in with an API key).
  const dashboardUrl = (alert: MetricAlert) => `${base}/dashboard?${new URLSearchParams({ surveyId: alert.surveyId, from: alert.baselineWindow.from, to: alert.window.to })}`;
  return {
    surveys: surveyStore(),
    aggregates: aggregateStore(),
    watches: metricWatchStore(),
    email: emailSender(),
    messages: { metricAlertEmail: (alert, to) => metricAlertEmail(alert, to, dashboardUrl(alert)) },
    outbox: metricAlertOutbox(dashboardUrl),
    now: new Date(),
  };
}

/** The outbox of metric alerts: `metric.alert` to the destinations that take it, about the survey and touchpoint. */
export const metricAlertOutbox = (reportUrl: (alert: MetricAlert) => string): MetricAlertOutbox => {
  const deps = { destinations: cachedDestinations(), deliveries: deliveryStore(), now: new Date() };
  return {
    enqueueMetricAlert: (alert) =>
      enqueueEvent(deps, metricAlertEvent(alert, reportUrl(alert)), { surveyId: alert.surveyId, ...(alert.touchpoint !== undefined && { touchpoint: alert.touchpoint }) }, (chat) => chatMessage(chat, metricAlertCard(alert, reportUrl(alert)))),
  };
};
