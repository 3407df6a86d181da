// Exit codes shared by every command: scripts and CI depend on them.
export const EXIT_OK = 0;
/** Findings at or above the threshold (or a partial audit). */
export const EXIT_FINDINGS = 1;
/** Bad input or usage. */
export const EXIT_INPUT = 2;
/** The reader of stdout went away (`leash catalog | head -1`): 128 + SIGPIPE, as shells report it. */
export const EXIT_PIPE_CLOSED = 141;
