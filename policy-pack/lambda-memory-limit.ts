/** The pack's default Lambda memory ceiling (MB); `maxMemoryMb` in policy config overrides it. */
export const DEFAULT_MAX_MEMORY_MB = 768;
