import { randomUUID } from 'node:crypto';
import type { RulesWorld } from './rules-fixtures';

/** Builders of valid ingest events for the rules tests; `over` replaces any field. */
const now = () => new Date().toISOString();

export const FULL_WAYBILL = {
  senderName: '张三', senderAddress: '北京市海淀区一号', senderPhone: '13800000000',
  recipientName: '李四', recipientAddress: '上海市浦东新区二号', recipientPhone: '13900000000',
  itemName: '图书', itemNature: '文件', quantity: 1, weightKg: 1.2, feeYuan: 12,
};

export const ev = (w: RulesWorld) => ({
  pickup: (waybillNo: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'pickup.completed', at: now(), waybillNo, courierId: w.courierId, siteId: w.stationId,
    inspectionPhoto: { kind: 'photo', uri: `/api/v1/evidence/${'a'.repeat(64)}.png` },
    declaredContents: '图书 books', waybill: FULL_WAYBILL, insuranceOffered: true, realNameVerified: true, ...over,
  }),
  sortingViolation: (over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'sorting.violation', at: now(), floorId: w.floorId, cameraId: w.cameraId, kind: 'drop', dropHeightCm: 80,
    confidence: 0.9, snapshot: { kind: 'snapshot', uri: `/api/v1/evidence/${'b'.repeat(64)}.jpg` }, sorterId: w.sorterId, ...over,
  }),
  scan: (parcels: number, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'sorting.scan', at: now(), floorId: w.floorId, parcels, ...over }),
  signed: (waybillNo: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'delivery.signed', at: now(), waybillNo, courierId: w.courierId, siteId: w.stationId, method: 'in_person', signer: 'recipient',
    photo: { kind: 'photo', uri: `/api/v1/evidence/${'c'.repeat(64)}.jpg` }, ...over,
  }),
  call: (waybillNo: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'delivery.call', at: now(), waybillNo, courierId: w.courierId, siteId: w.stationId, answered: true, durationS: 30, ...over,
  }),
  consent: (waybillNo: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'delivery.consent', at: now(), waybillNo, siteId: w.stationId, courierId: w.courierId, channel: 'sms', dropPoint: 'locker', granted: true, ...over,
  }),
  out: (waybillNo: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'delivery.out', at: now(), waybillNo, courierId: w.courierId, siteId: w.stationId, ...over }),
  tracking: (waybillNo: string, status: number, siteId: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'waybill.tracking', at: now(), waybillNo, status, siteId, ...over }),
  exception: (waybillNo: string, status: 'detected' | 'registered', over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'sorting.exception', at: now(), floorId: w.floorId, waybillNo, kind: 'damaged', status, ...over,
  }),
  complaint: (complaintId: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'complaint.opened', at: now(), complaintId, siteId: w.stationId, category: 'delay', channel: 'phone', ...over,
  }),
  responded: (complaintId: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'complaint.responded', at: now(), complaintId, siteId: w.stationId, by: 'P-AGENT', ...over }),
  resolved: (complaintId: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'complaint.resolved', at: now(), complaintId, siteId: w.stationId, by: 'P-AGENT', outcome: 'explained', ...over,
  }),
  rating: (score: number, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'rating.submitted', at: now(), siteId: w.stationId, touchpoint: 'delivery', score, courierId: w.courierId, ...over }),
  heartbeat: (cameraId: string, floorId: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'camera.heartbeat', at: now(), cameraId, floorId, ...over }),
  position: (vehicleId: string, over: Record<string, unknown> = {}) => ({
    id: randomUUID(), type: 'vehicle.position', at: now(), vehicleId, lat: 35.5, lon: 110.5, speedKmh: 62, heading: 90, ...over,
  }),
  departed: (vehicleId: string, tripId: string, siteId: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'vehicle.departed', at: now(), vehicleId, tripId, siteId, ...over }),
  arrived: (vehicleId: string, tripId: string, siteId: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'vehicle.arrived', at: now(), vehicleId, tripId, siteId, ...over }),
  incident: (vehicleId: string, over: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'vehicle.incident', at: now(), vehicleId, kind: 'tyre_blowout', ...over }),
});
