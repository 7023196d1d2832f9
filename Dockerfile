# Obmen on Node in a container (docs/deploy.md): `docker build -t obmen .`, then
# `docker run -d -p 127.0.0.1:8080:8080 -v obmen-data:/data -e OBMEN_ADMIN_TOKEN=… obmen` (or compose.yaml).

# build: install everything, build every package, then drop the dev dependencies
FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --no-audit --no-fund \
	&& npx turbo run build --output-logs=errors-only \
	&& npm prune --omit=dev --no-audit --no-fund

# run: the built packages and their production dependencies only, as the unprivileged `node` user
FROM node:24-bookworm-slim
WORKDIR /app
# MALLOC_MMAP_THRESHOLD_: glibc gives big freed buffers (upload chunks) back to the system (docs/deploy.md, Memory)
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 OBMEN_DATA_DIR=/data MALLOC_MMAP_THRESHOLD_=131072
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/apps/node ./apps/node
RUN mkdir -p /data && chown node:node /data
USER node
# the libSQL database (obmen.db and its WAL files): keep it on a volume, back it up with `obmen db backup`
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
	CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "apps/node/dist/main.js"]
