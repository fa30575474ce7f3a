import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { TraceFact } from './trace-stages';

export interface ComplaintRow {
  complaint_id: string;
  site_id: string;
  waybill_no: string | null;
  category: string;
  channel: string;
  opened_at: Date;
  first_response_at: Date | null;
  resolved_at: Date | null;
  outcome: string | null;
  attributed_stage: string | null;
  attribution_reason: string | null;
}

@Injectable()
export class TraceRepository {
  constructor(private readonly ds: DataSource) {}

  async facts(waybillNo: string): Promise<TraceFact[]> {
    const rows = await this.ds.query(
      `SELECT e.id, e.at, e.type, e.site_id, s.kind AS site_kind, e.payload FROM events e LEFT JOIN sites s ON s.id = e.site_id
        WHERE e.waybill_no = $1 ORDER BY e.at, e.id`,
      [waybillNo],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      at: new Date(r.at as string),
      type: r.type as string,
      siteId: (r.site_id as string | null) ?? null,
      siteKind: (r.site_kind as string | null) ?? null,
      payload: r.payload as Record<string, unknown>,
    }));
  }

  complaintsOfWaybill(waybillNo: string): Promise<ComplaintRow[]> {
    return this.ds.query(`SELECT * FROM complaints WHERE waybill_no = $1 ORDER BY opened_at`, [waybillNo]);
  }

  complaint(id: string): Promise<ComplaintRow | undefined> {
    return this.ds.query(`SELECT * FROM complaints WHERE complaint_id = $1`, [id]).then((r: ComplaintRow[]) => r[0]);
  }

  async setAttribution(id: string, stage: string, reason: string) {
    await this.ds.query(`UPDATE complaints SET attributed_stage = $2, attribution_reason = $3 WHERE complaint_id = $1`, [id, stage, reason]);
  }

  listComplaints(where: string, params: unknown[], limit: number): Promise<(ComplaintRow & { region_id: string | null })[]> {
    return this.ds.query(
      `SELECT c.*, s.region_id FROM complaints c LEFT JOIN sites s ON s.id = c.site_id WHERE ${where} ORDER BY c.opened_at DESC LIMIT ${Number(limit)}`,
      params,
    );
  }
}
