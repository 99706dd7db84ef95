/** Kept between the global setup and teardown, which run in the same parent process. */
export const testState: {
  adminUrl?: string;
  runId?: string;
  embedded?: { dir: string; stop: () => Promise<void> };
  logDir?: string;
} = ((globalThis as Record<string, unknown>).__filetTestState ??= {}) as never;
