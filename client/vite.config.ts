import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The UI is served by the server from client/dist; in `vite` dev mode API calls go to :3000.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ["source"] },
  server: { proxy: { "/api": "http://localhost:3000" } },
});
