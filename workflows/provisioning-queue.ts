// The workflows the `provisioning` task queue runs.
export { provisioning } from './provisioning.js';
