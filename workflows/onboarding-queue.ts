// The workflows the `onboarding` task queue runs.
export { onboarding } from './onboarding.js';
