import { z } from 'zod';

/** Reference data as the hub serves it (`GET /api/v1/network`); the seed loads the same shapes. */
export const RegionSchema = z.object({ id: z.string(), name: z.string(), nameEn: z.string() });

export const SiteKindSchema = z.enum(['hub', 'station', 'locker', 'post']);
export const SiteSchema = z.object({
  id: z.string(),
  kind: SiteKindSchema,
  name: z.string(),
  nameEn: z.string(),
  regionId: z.string(),
  /** For a station, locker or 驿站: the hub it hangs from. */
  parentId: z.string().nullable(),
  city: z.string(),
  lat: z.number(),
  lon: z.number(),
  /** Geofence radius used by the transport rules (a stop inside it is not abnormal). */
  radiusM: z.number(),
});

export const FloorSchema = z.object({ id: z.string(), siteId: z.string(), name: z.string(), dailyCapacity: z.number().int() });
export const CameraSchema = z.object({ id: z.string(), floorId: z.string(), name: z.string(), positionM: z.number() });

export const ColdProfileSchema = z.enum(['none', 'chilled', 'frozen', 'pharma']);
export const VehicleSchema = z.object({
  id: z.string(),
  plate: z.string(),
  homeSiteId: z.string(),
  regionId: z.string(),
  coldProfile: ColdProfileSchema,
  /** JT/T 808 terminal phone number (BCD), when the truck has a terminal. */
  terminalPhone: z.string().nullable(),
});

export const RouteSchema = z.object({
  id: z.string(),
  originSiteId: z.string(),
  destSiteId: z.string(),
  distanceKm: z.number(),
  /** Polyline [lat, lon] from origin to destination, through the waypoints. */
  path: z.array(z.tuple([z.number(), z.number()])),
});

export const TripSchema = z.object({
  id: z.string(),
  routeId: z.string(),
  vehicleId: z.string(),
  scheduledDeparture: z.string(),
  scheduledArrival: z.string(),
});

export const PersonRoleSchema = z.enum(['courier', 'sorter', 'team_leader', 'site_manager', 'region_manager', 'agent']);
export const PersonSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: PersonRoleSchema,
  siteId: z.string().nullable(),
  floorId: z.string().nullable(),
  teamId: z.string().nullable(),
});
export const TeamSchema = z.object({ id: z.string(), name: z.string(), siteId: z.string(), floorId: z.string().nullable(), leaderId: z.string().nullable() });

export const NetworkSchema = z.object({
  regions: z.array(RegionSchema),
  sites: z.array(SiteSchema),
  floors: z.array(FloorSchema),
  cameras: z.array(CameraSchema),
  vehicles: z.array(VehicleSchema),
  routes: z.array(RouteSchema),
  trips: z.array(TripSchema),
  teams: z.array(TeamSchema),
  people: z.array(PersonSchema),
});
export type Region = z.infer<typeof RegionSchema>;
export type Site = z.infer<typeof SiteSchema>;
export type Floor = z.infer<typeof FloorSchema>;
export type Camera = z.infer<typeof CameraSchema>;
export type Vehicle = z.infer<typeof VehicleSchema>;
export type Route = z.infer<typeof RouteSchema>;
export type Trip = z.infer<typeof TripSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type Team = z.infer<typeof TeamSchema>;
export type Network = z.infer<typeof NetworkSchema>;

/**
 * `GET /api/v1/network?tripsFrom=<ISO time>`: only the trips departing at or after that time. The trips table grows
 * by a day's schedule every day; a client that re-reads the network (the simulator every 10 min) asks for what is
 * ahead instead of every trip ever planned.
 */
export const NetworkQuerySchema = z.object({
  tripsFrom: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-11-23T00:00:00+08:00' }).optional(),
});
export type NetworkQuery = z.infer<typeof NetworkQuerySchema>;
