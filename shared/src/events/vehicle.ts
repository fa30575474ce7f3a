import { z } from 'zod';
import { envelope, LatSchema, LonSchema, RefIdSchema } from './common';

/** 1 Hz position from a line-haul truck; reefers add cargo-space temperature and humidity. */
export const VehiclePositionSchema = envelope('vehicle.position', {
  vehicleId: RefIdSchema,
  lat: LatSchema,
  lon: LonSchema,
  speedKmh: z.number().min(0).max(250),
  heading: z.number().min(0).max(360),
  tempC: z.number().min(-60).max(80).optional(),
  humidityPct: z.number().min(0).max(100).optional(),
  tripId: RefIdSchema.optional(),
  /** True when the terminal back-fills positions recorded while out of coverage (JT/T 808 0x0704). */
  backfill: z.boolean().optional(),
});

export const VehicleDepartedSchema = envelope('vehicle.departed', {
  vehicleId: RefIdSchema,
  tripId: RefIdSchema,
  siteId: RefIdSchema,
});

export const VehicleArrivedSchema = envelope('vehicle.arrived', {
  vehicleId: RefIdSchema,
  tripId: RefIdSchema,
  siteId: RefIdSchema,
});

export const IncidentKindSchema = z.enum([
  'tyre_blowout',
  'breakdown',
  'accident',
  'road_closure',
  'sos',
  'collision',
  'rollover',
  'illegal_door_open',
  'power_lost',
  'route_deviation',
  'overtime_parking',
  'other',
]);

export const VehicleIncidentSchema = envelope('vehicle.incident', {
  vehicleId: RefIdSchema,
  tripId: RefIdSchema.optional(),
  kind: IncidentKindSchema,
  lat: LatSchema.optional(),
  lon: LonSchema.optional(),
  note: z.string().max(1000).optional(),
});

export type VehiclePosition = z.infer<typeof VehiclePositionSchema>;
export type VehicleIncident = z.infer<typeof VehicleIncidentSchema>;
