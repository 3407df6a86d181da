// Exit codes shared by every command: scripts and CI depend on them.
export const EXIT_OK = 0;
/** Findings at or above the threshold (or a partial audit). */
export const EXIT_FINDINGS = 1;
/** Bad input or usage. */
export const EXIT_INPUT = 2;
