// Builds the page into dist/ for nginx to serve at `/`; in development, forwards the API and
// Socket.IO to the running stack's nginx so the page talks to the same origin either way.
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

const stack = `http://127.0.0.1:${process.env.HERALD_PORT ?? 9000}`

export default defineConfig({
  base: '/',
  plugins: [vue()],
  server: {
    proxy: {
      '/notify': stack,
      '/topics': stack,
      '/admin': stack,
      '/socket.io': { target: stack, ws: true },
    },
  },
})
