// Stands in for your app's server: here the booking app runtag's own e2e suite drives
// (test/e2e/app), started on a port with the database it is given.
export { startApp, type RunningApp } from '../../../test/e2e/app/server.js';
