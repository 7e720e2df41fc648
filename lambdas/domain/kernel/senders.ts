/** What leaves the service: an e-mail through the e-mail provider, a JSON message on the alert topic. */

export interface EmailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
  /** The invitation it carries: the provider's delivery and bounce events name it, for the funnel. */
  readonly invitationId?: string;
}
export interface EmailSender {
  send(message: EmailMessage): Promise<void>;
}
export interface AlertPublisher {
  publish(message: object, attributes: Record<string, string>): Promise<void>;
}
