import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  type AlertSummaryV1,
  type NotificationChannel,
  NotificationChannelCreateSchema,
  parseRoom,
  type RoomName,
  RoomNameSchema,
  type WebhookPayload,
} from '@kanjian/shared';
import { type Job, Worker } from 'bullmq';
import type { z } from 'zod';
import { userMayJoin, type UserPrincipal } from '../auth/principal';
import { AppError } from '../common/errors';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { JobsService } from '../jobs/jobs.service';
import { parseJob } from '../jobs/jobs';
import { ReferenceCache } from '../network/reference-cache.service';
import { type ChannelSender, SMS_PROVIDER, type SmsProvider, SmsSender, WebhookSender } from './notification-channels';
import { type ChannelRow, NotificationsRepository } from './notifications.repository';

const SEVERITY_RANK = { warning: 1, violation: 2, critical: 3 } as const;

function toChannel(c: ChannelRow): NotificationChannel {
  return {
    id: String(c.id),
    kind: c.kind,
    target: c.target,
    scope: c.scope,
    minSeverity: c.min_severity,
    ruleIds: c.rule_ids,
    maxAttempts: c.max_attempts,
    enabled: c.enabled,
    createdBy: c.created_by,
    createdAt: new Date(c.created_at).toISOString(),
  };
}

/**
 * Outbound notifications: an alert reaching a room is sent to every channel subscribed to that room, one BullMQ
 * job per (alert, channel) with retries and backoff; a delivery that exhausts its attempts is kept as dead. The
 * queue runs apart from ingest, so a failing channel never slows it.
 */
@Injectable()
export class NotificationsService implements OnApplicationShutdown {
  private readonly log = new Logger(NotificationsService.name);
  private worker: Worker | null = null;
  private readonly senders: Record<ChannelRow['kind'], ChannelSender>;

  constructor(
    private readonly repo: NotificationsRepository,
    private readonly jobs: JobsService,
    private readonly ref: ReferenceCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SMS_PROVIDER) sms: SmsProvider,
  ) {
    this.senders = { webhook: new WebhookSender(), sms: new SmsSender(sms) };
  }

  startWorker() {
    this.worker = new Worker('notifications', (job: Job) => this.process(job), {
      connection: { url: this.config.KJ_REDIS_URL, maxRetriesPerRequest: null },
      prefix: `${this.config.KJ_REDIS_PREFIX}:bull`,
      concurrency: 8,
    });
    this.worker.on('error', (e) => this.log.warn(`notification worker: ${e.message}`));
  }

  async onApplicationShutdown() {
    await this.worker?.close();
  }

  async fanOut(alert: AlertSummaryV1, rooms: RoomName[], reason: string): Promise<number> {
    const channels = await this.repo.channelsFor(rooms);
    let n = 0;
    const text = `[看见 ${alert.severity}] ${alert.title} (${alert.subjectKind} ${alert.subjectId}, ${alert.level})`;
    for (const c of channels) {
      if (SEVERITY_RANK[alert.severity] < SEVERITY_RANK[c.min_severity]) continue;
      if (c.rule_ids && !c.rule_ids.includes(alert.ruleId)) continue;
      const deliveryId = await this.repo.createDelivery(alert.id, String(c.id), reason);
      if (!deliveryId) continue;
      const payload: WebhookPayload = { kind: 'alert', reason, alert, text };
      await this.jobs.add('notifications', 'deliver', { channel: String(c.id), alertId: alert.id, recipient: String(deliveryId), body: JSON.stringify(payload) }, `d-${deliveryId}`, {
        attempts: c.max_attempts,
        backoff: { type: 'exponential', delay: 500 },
      });
      n++;
    }
    return n;
  }

  private async process(job: Job): Promise<string> {
    const d = parseJob('notifications', 'deliver', job.data);
    const channel = await this.repo.channel(d.channel);
    const attempts = job.opts.attempts ?? 1;
    if (!channel || !channel.enabled) {
      await this.repo.attempt(d.recipient, false, 'channel removed', true);
      return 'channel removed';
    }
    try {
      await this.senders[channel.kind].send(channel.target, JSON.parse(d.body) as WebhookPayload, channel.secret);
    } catch (e) {
      const last = job.attemptsMade + 1 >= attempts;
      await this.repo.attempt(d.recipient, false, (e as Error).message.slice(0, 500), last);
      if (last) this.log.warn(`delivery ${d.recipient} to channel ${channel.id} dead after ${attempts} attempts: ${(e as Error).message}`);
      throw e;
    }
    await this.repo.attempt(d.recipient, true, null, false);
    return 'delivered';
  }

  private checkScope(user: UserPrincipal, scope: string): RoomName {
    const r = RoomNameSchema.safeParse(scope);
    if (!r.success) throw new AppError('request/invalid', `scope: ${r.error.issues[0]?.message}`);
    if (!userMayJoin(user, r.data, this.ref)) throw new AppError('auth/out_of_scope', `${user.role} user may not manage notifications of ${scope}`);
    return r.data;
  }

  async create(user: UserPrincipal, body: z.infer<typeof NotificationChannelCreateSchema>): Promise<NotificationChannel> {
    this.checkScope(user, body.scope);
    if (body.kind === 'webhook') {
      let u: URL;
      try {
        u = new URL(body.target);
      } catch {
        throw new AppError('request/invalid', 'target: a webhook needs an http(s) URL');
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('request/invalid', 'target: a webhook needs an http(s) URL');
    } else if (!/^\+?[0-9]{6,20}$/.test(body.target)) throw new AppError('request/invalid', 'target: an SMS channel needs a phone number');
    const row = await this.repo.createChannel({
      kind: body.kind,
      target: body.target,
      scope: body.scope,
      min_severity: body.minSeverity,
      rule_ids: body.ruleIds,
      secret: body.secret ?? null,
      max_attempts: body.maxAttempts,
      created_by: user.username,
    });
    return toChannel(row);
  }

  async list(user: UserPrincipal): Promise<NotificationChannel[]> {
    const rows = await this.repo.listChannels(null);
    return rows.filter((c) => userMayJoin(user, c.scope as RoomName, this.ref)).map(toChannel);
  }

  async disable(user: UserPrincipal, id: string) {
    if (!/^\d+$/.test(id)) throw new AppError('resource/not_found', `no channel ${id}`);
    const c = await this.repo.channel(id);
    if (!c) throw new AppError('resource/not_found', `no channel ${id}`);
    this.checkScope(user, c.scope);
    await this.repo.disableChannel(id);
    return { ...toChannel(c), enabled: false };
  }

  async deliveries(user: UserPrincipal, status: string | undefined) {
    const rows = await this.repo.deliveries(status ? `d.status = $1` : 'TRUE', status ? [status] : [], 500);
    const scopes = new Map((await this.repo.listChannels(null)).map((c) => [String(c.id), c.scope]));
    return rows
      .filter((r) => {
        const scope = scopes.get(String(r.channel_id));
        return scope !== undefined && (user.role === 'hq' || parseRoom(scope as RoomName).kind !== 'hq') && userMayJoin(user, scope as RoomName, this.ref);
      })
      .map((r) => ({
        id: String(r.id),
        alertId: r.alert_id as string,
        channelId: String(r.channel_id),
        status: r.status as 'pending' | 'delivered' | 'dead',
        attempts: r.attempts as number,
        lastError: (r.last_error as string | null) ?? null,
        createdAt: new Date(r.created_at as string).toISOString(),
        deliveredAt: r.delivered_at ? new Date(r.delivered_at as string).toISOString() : null,
      }));
  }
}
