# Image for docker-compose.yml's ingest and web services.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY config/package.json config/
COPY ingest/package.json ingest/
COPY web/package.json web/
RUN npm install --no-audit --no-fund
COPY . .
RUN npx tsx web/scripts/ensure-build.ts
ENV NODE_ENV=production PORT=3000
EXPOSE 3000
CMD ["npm", "start"]
