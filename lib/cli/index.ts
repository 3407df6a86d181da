// `agent-leash/cli`: the `leash` command line as a function, for wrappers and tests (`runCli(['audit', ...])`).
export { runCli, memoryIo, type CliIo } from './program';
