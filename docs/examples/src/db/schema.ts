// Stands in for your app's Drizzle schema: here runtag's reference booking domain (users, children,
// bookings), whose drizzle-kit output is this repository's migrations/ folder.
export * from '../../../../schema/index.js';
