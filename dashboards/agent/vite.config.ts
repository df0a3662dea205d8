/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The gateway serves the built files at `/`; its wwwroot is build output, never edited by hand.
export default defineConfig({
  base: '/',
  build: {
    outDir: '../../src/ProfileGrid.Gateway/wwwroot',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    proxy: {
      '/v1': 'http://127.0.0.1:5080',
      '/hubs': { target: 'http://127.0.0.1:5080', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
