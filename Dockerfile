# Images for docker-compose.yml's ingest and web services (targets `ingest` and `web`).
# Base pinned to an exact Node release; the install follows package-lock.json exactly.
# test/unit/deploy.test.ts checks this file.
FROM node:20.20.2-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY config/package.json config/
COPY ingest/package.json ingest/
COPY web/package.json web/
# `npm install`, not `npm ci`: ci refuses the lockfile over next's optional per-platform
# packages (README); with a lockfile present and unchanged package.json files, install
# resolves exactly the locked versions.
RUN npm install --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npx tsx web/scripts/ensure-build.ts

FROM node:20.20.2-bookworm-slim AS ingest
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 9464
CMD ["node", "--import", "tsx", "ingest/src/main.ts"]

FROM node:20.20.2-bookworm-slim AS web
# Debian's chromium and CJK fonts render the exports (zh-CN text) headless; ffmpeg (libvpx) encodes replay videos to WebM.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk ffmpeg \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 CHROMIUM_PATH=/usr/bin/chromium FFMPEG_PATH=/usr/bin/ffmpeg
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "web/server.ts"]
