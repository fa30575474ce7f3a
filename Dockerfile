# One image for every Node process of Kanjian (hub, JT/T 808 gateway, simulator, vision worker); the compose
# file picks the command. Build: docker compose build
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN npm ci --no-audit --no-fund && npx nx run-many -t build --outputStyle=static

FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip
COPY --from=build /app /app
EXPOSE 3000 7808
CMD ["node", "server/dist/main.js"]
