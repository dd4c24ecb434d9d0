/**
 * Vectors the model is known to get wrong today, each with what is known and the open issue that
 * tracks it. They stay `failed` in `jam-model vectors`; under vitest each runs as an expected
 * failure, so a fix turns the test red until its entry is removed here. Keys: class/config/case.
 */
export const knownFailures: ReadonlyMap<string, string> = new Map<string, string>([]);
