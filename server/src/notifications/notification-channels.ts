import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { WebhookPayload } from '@kanjian/shared';

/** One outbound channel kind: delivers a message or throws (the queue retries, then dead-letters). */
export interface ChannelSender {
  send(target: string, payload: WebhookPayload, secret: string | null): Promise<void>;
}

/** POSTs the alert as JSON; a 2xx within the timeout is a delivery, anything else is retried. */
export class WebhookSender implements ChannelSender {
  constructor(private readonly timeoutMs = 5000) {}

  async send(target: string, payload: WebhookPayload, secret: string | null): Promise<void> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'kanjian-hub' };
    if (secret) headers['x-kanjian-signature'] = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const res = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  }
}

/** The SMS gateway a deployment plugs in (each carrier has its own); the hub only needs `send`. */
export interface SmsProvider {
  readonly name: string;
  send(phone: string, text: string): Promise<void>;
}

/** Default provider: writes the message to the log. A real gateway replaces it through `SMS_PROVIDER`. */
export class LogSmsProvider implements SmsProvider {
  readonly name = 'log';
  private readonly log = new Logger('Sms');
  async send(phone: string, text: string): Promise<void> {
    if (!/^\+?[0-9]{6,20}$/.test(phone)) throw new Error(`not a phone number: ${phone}`);
    this.log.log(`SMS to ${phone}: ${text}`);
  }
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

export class SmsSender implements ChannelSender {
  constructor(private readonly provider: SmsProvider) {}
  send(target: string, payload: WebhookPayload): Promise<void> {
    return this.provider.send(target, payload.text.slice(0, 300));
  }
}
