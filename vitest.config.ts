import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{spec,model,chain,fuzz,vectors,properties,paper-map,bin,bench}/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
