// Every table of the collector, one file per area. drizzle-kit reads this folder.
export * from './audit';
export * from './staff';
export * from './submissions';
export * from './email';
