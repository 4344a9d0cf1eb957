# syntax=docker/dockerfile:1
# One definition for every image herald builds: docker-compose.yml builds `target: producer`,
# `target: consumer` and `target: nginx` (the entry point with the built client). Dependencies are
# installed before the sources are copied, so a code change does not reinstall them.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY producer/package.json producer/
COPY consumer/package.json consumer/
COPY stack/package.json stack/
COPY client/package.json client/
COPY bench/package.json bench/
RUN npm ci --no-audit --no-fund
COPY shared/ shared/
COPY producer/ producer/
COPY consumer/ consumer/
COPY client/ client/
RUN npx tsc -b shared producer consumer && npm run build --workspace @herald/client

FROM node:24-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY producer/package.json producer/
COPY consumer/package.json consumer/
COPY stack/package.json stack/
COPY client/package.json client/
COPY bench/package.json bench/
RUN npm ci --omit=dev --no-audit --no-fund \
      --workspace @herald/shared --workspace @herald/producer --workspace @herald/consumer \
  && npm cache clean --force
COPY --from=build /app/shared/dist shared/dist
USER node
ENV PORT=8080
EXPOSE 8080

FROM runtime AS producer
COPY --from=build /app/producer/dist producer/dist
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1's command, so SIGTERM from `docker stop` reaches it and it drains.
CMD ["node", "producer/dist/main.js"]

FROM runtime AS consumer
COPY --from=build /app/consumer/dist consumer/dist
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "consumer/dist/main.js"]

FROM nginx:1.28-alpine AS nginx
# nginx.conf includes its neighbours by relative path and serves the client from `client` beside it.
COPY nginx/nginx.conf nginx/herald-proxy.conf /etc/nginx/
COPY nginx/upstreams.compose.conf /etc/nginx/herald-upstreams.conf
COPY --from=build /app/client/dist /etc/nginx/client
EXPOSE 9000
