// Every table of the collector, one file per area. drizzle-kit reads this folder.
export * from './audit';
export * from './staff';
export * from './submissions';
export * from './consents';
export * from './api-keys';
export * from './contacts';
export * from './workflows';
export * from './email';
export * from './templates';
