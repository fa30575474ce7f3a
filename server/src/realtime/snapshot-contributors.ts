import { Injectable } from '@nestjs/common';
import type { RoomName, RoomSnapshotV1 } from '@kanjian/shared';

/** Adds a domain's part (alerts, violations, KPIs) to a room's snapshot. */
export type SnapshotContributor = (room: RoomName, snap: RoomSnapshotV1) => Promise<void>;

/** Domains register here at start-up, so the realtime module does not depend on them. */
@Injectable()
export class SnapshotContributors {
  readonly all: SnapshotContributor[] = [];
  register(c: SnapshotContributor) {
    this.all.push(c);
  }
}
