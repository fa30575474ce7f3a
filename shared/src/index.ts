export * from './events';
export * from './realtime';
export * from './api';
export * from './rules';
