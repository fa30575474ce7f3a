import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returning } from '../rules/sql';

export interface ChannelRow {
  id: string;
  kind: 'webhook' | 'sms';
  target: string;
  scope: string;
  min_severity: 'warning' | 'violation' | 'critical';
  rule_ids: string[] | null;
  secret: string | null;
  max_attempts: number;
  enabled: boolean;
  created_by: string;
  created_at: Date;
}

@Injectable()
export class NotificationsRepository {
  constructor(private readonly ds: DataSource) {}

  channelsFor(rooms: string[]): Promise<ChannelRow[]> {
    return this.ds.query(`SELECT * FROM notification_channels WHERE enabled AND scope = ANY($1)`, [rooms]);
  }

  channel(id: string): Promise<ChannelRow | undefined> {
    return this.ds.query(`SELECT * FROM notification_channels WHERE id = $1`, [id]).then((r: ChannelRow[]) => r[0]);
  }

  listChannels(scopes: string[] | null): Promise<ChannelRow[]> {
    return scopes
      ? this.ds.query(`SELECT * FROM notification_channels WHERE scope = ANY($1) ORDER BY id`, [scopes])
      : this.ds.query(`SELECT * FROM notification_channels ORDER BY id`);
  }

  async createChannel(c: Omit<ChannelRow, 'id' | 'enabled' | 'created_at'>): Promise<ChannelRow> {
    const rows = await this.ds.query(
      `INSERT INTO notification_channels (kind, target, scope, min_severity, rule_ids, secret, max_attempts, created_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING *`,
      [c.kind, c.target, c.scope, c.min_severity, c.rule_ids, c.secret, c.max_attempts, c.created_by],
    );
    return rows[0];
  }

  async disableChannel(id: string): Promise<boolean> {
    const rows = await returning(this.ds, `UPDATE notification_channels SET enabled = false WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** One delivery per (alert, channel): an escalation reaches new channels, never the same one twice. */
  async createDelivery(alertId: string, channelId: string, reason: string): Promise<string | null> {
    const rows = await this.ds.query(
      `INSERT INTO notification_deliveries (alert_id, channel_id, reason) VALUES ($1,$2,$3) ON CONFLICT (alert_id, channel_id) DO NOTHING RETURNING id`,
      [alertId, channelId, reason],
    );
    return rows[0]?.id ?? null;
  }

  async attempt(id: string, ok: boolean, error: string | null, dead: boolean) {
    await this.ds.query(
      `UPDATE notification_deliveries SET attempts = attempts + 1, last_error = $2,
         status = CASE WHEN $3 THEN 'delivered' WHEN $4 THEN 'dead' ELSE status END,
         delivered_at = CASE WHEN $3 THEN now() ELSE delivered_at END
       WHERE id = $1`,
      [id, error, ok, dead],
    );
  }

  deliveries(where: string, params: unknown[], limit: number) {
    return this.ds.query(
      `SELECT d.* FROM notification_deliveries d JOIN notification_channels c ON c.id = d.channel_id WHERE ${where} ORDER BY d.created_at DESC LIMIT ${Number(limit)}`,
      params,
    ) as Promise<Record<string, unknown>[]>;
  }
}
