// agent-leash's public API: the pure core (catalog, policy, guardrails), the audit and check engines, and the
// CDK constructs. Loading it loads aws-cdk-lib; `agent-leash/core` is the same without the constructs, and the
// CLI loads neither, so `leash` runs where aws-cdk-lib is not installed.
export * from './core';
export * from './constructs';
export { LeashValidationPlugin, type LeashValidationPluginProps } from './constructs/validation-plugin';
