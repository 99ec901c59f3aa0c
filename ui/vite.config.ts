/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The bundle is committed (ui/dist) and CI rebuilds it to compare, so the
// build must be deterministic: no timestamps, stable chunk names.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    manifest: true,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/api': process.env.FORMLOOM_API ?? 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    css: false,
    // jsdom renders of antd are slow on a loaded machine; a test that
    // waits on a condition must not fail for that.
    testTimeout: 30_000,
  },
});
