import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app: built into web/dist, which the API server serves (src/server/web.ts).
// The server's CSP allows only same-origin scripts and styles, so nothing may be inlined:
// no inline module preload polyfill, and CSS always goes to files.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev:web` with `bin/custody serve --port 8080` running beside it.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
