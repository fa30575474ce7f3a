import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

/**
 * One config for the app, its bench page (`--mode bench`) and Vitest. The shared contracts are compiled from
 * source: the workspace package's dist is CommonJS, which Vite does not pre-bundle for a linked package.
 */
const hub = process.env.KJ_HUB_URL ?? 'http://127.0.0.1:3000';
const proxy = {
  '/api': { target: hub, changeOrigin: false },
  '/socket.io': { target: hub, ws: true, changeOrigin: false },
};

export default defineConfig(({ mode }) => ({
  base: process.env.KJ_WALLBOARD_BASE ?? '/',
  plugins: [vue()],
  resolve: {
    alias: { '@kanjian/shared': fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)) },
    // TypeScript first: a stray compiled .js beside a .ts in shared/src must not shadow the source.
    extensions: ['.ts', '.mts', '.tsx', '.mjs', '.js', '.jsx', '.json'],
  },
  server: { proxy },
  preview: { proxy },
  build:
    mode === 'bench'
      ? { outDir: 'dist-bench', chunkSizeWarningLimit: 1500, rollupOptions: { input: fileURLToPath(new URL('bench.html', import.meta.url)) } }
      : { outDir: 'dist', chunkSizeWarningLimit: 1500 },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
  },
}));
