/** Message ids of JT/T 808-2013/2019 that the gateway speaks. Terminal → platform ids start with 0x0, platform → terminal with 0x8. */
export const MsgId = {
  TerminalGeneralAck: 0x0001,
  Heartbeat: 0x0002,
  Deregister: 0x0003,
  Register: 0x0100,
  Authenticate: 0x0102,
  LocationReport: 0x0200,
  LocationBatch: 0x0704,
  MultimediaEvent: 0x0800,
  MultimediaUpload: 0x0801,
  PlatformGeneralAck: 0x8001,
  ResendRequest: 0x8003,
  RegisterAck: 0x8100,
} as const;

/** Result byte of 0x8001 (platform general ack). */
export const AckResult = {
  Success: 0,
  Failure: 1,
  MessageError: 2,
  Unsupported: 3,
  AlarmConfirmed: 4,
} as const;
export type AckResultCode = (typeof AckResult)[keyof typeof AckResult];

/** Result byte of 0x8100 (register ack). */
export const RegisterResult = {
  Success: 0,
  VehicleAlreadyRegistered: 1,
  NoSuchVehicle: 2,
  TerminalAlreadyRegistered: 3,
  NoSuchTerminal: 4,
} as const;
export type RegisterResultCode = (typeof RegisterResult)[keyof typeof RegisterResult];

/** Status bits of 0x0200. */
export const StatusBit = {
  AccOn: 0,
  Fixed: 1,
  South: 2,
  West: 3,
  DoorsLocked: 12,
} as const;

/** Alarm bits of 0x0200 (the ones the gateway names). */
export const AlarmBit = {
  Sos: 0,
  Overspeed: 1,
  Fatigue: 2,
  PowerLow: 7,
  PowerLost: 8,
  DailyDrivingExceeded: 18,
  OvertimeParking: 19,
  AreaInOut: 20,
  RouteInOut: 21,
  SegmentTime: 22,
  RouteDeviation: 23,
  Theft: 26,
  IllegalDisplacement: 28,
  Collision: 29,
  Rollover: 30,
  IllegalDoorOpen: 31,
} as const;

/** Extra-information (TLV) ids of 0x0200 that have a standard meaning. */
export const ExtraId = {
  Mileage: 0x01,
  Fuel: 0x02,
  RecorderSpeed: 0x03,
  AlarmEventId: 0x04,
  OverspeedInfo: 0x11,
  AreaRouteInOut: 0x12,
  SegmentTimeInfo: 0x13,
  SignalStrength: 0x30,
  Satellites: 0x31,
} as const;

/** Largest body a single packet can carry: the length field has 10 bits. */
export const MAX_BODY_LENGTH = 0x3ff;
export const FLAG = 0x7e;
export const ESCAPE = 0x7d;
