# syntax=docker/dockerfile:1
# Production image: the server compiled to JavaScript and the built UI, production
# dependencies only, no tsx, running as the unprivileged `node` user.
#   docker build -t splitlab . && docker run -p 3000:3000 -v splitlab-data:/data splitlab
# With PostgreSQL: see docker-compose.yml (DATABASE_URL=postgres://...).

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY stats/package.json stats/
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY client/package.json client/
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# The UI (client/dist) and the server bundle (server/dist/main.js).
RUN npm run build

FROM node:20.20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
COPY stats/package.json stats/
COPY sdk/package.json sdk/
COPY server/package.json server/
COPY client/package.json client/
# Only what the server imports at run time (express, drizzle, pg, PGlite, pino, ...).
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts --workspace server \
    && npm cache clean --force \
    && mkdir -p /data \
    && chown node:node /data
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client/dist client/dist
COPY --from=build /app/migrations migrations
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "server/dist/main.js"]
