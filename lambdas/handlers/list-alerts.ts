import { feedbackStore } from '../shared/dependencies';
import { httpHandler, json, pageRequest } from '../shared/http';

export const handler = httpHandler(async (event) => json(200, await feedbackStore().listAlerts(pageRequest(event))));
