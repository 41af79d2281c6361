// The workflows the `data-fetch` task queue runs.
export { dataSession } from './data-fetch.js';
