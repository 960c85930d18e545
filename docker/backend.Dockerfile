# movie-backend: one Express image for both versions, deployed as v1 (DATA_DIR=bollywood-data) and v2
# (DATA_DIR=hollywood-data).
# Build from the repository root:  docker build -f docker/backend.Dockerfile -t movie-backend:0.1.0 .

# Base images: the official ones by default. `pnpm images` passes local stand-ins (localhost/movies-base/…) here
# when it cannot pull; the build stage and the runtime stage take separate arguments, so a stand-in's build-only
# trust of the host's CA bundle never reaches the shipped image.
ARG BUILD_IMAGE=node:24-bookworm-slim
ARG BASE_IMAGE=node:24-bookworm-slim

# ---- build: install with the frozen lockfile, bundle, then deploy the backend alone with prod deps only ----
FROM ${BUILD_IMAGE} AS build
ENV PNPM_VERSION=12.4.2 \
    CI=true
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION}
WORKDIR /repo
# Lockfile first: this layer and the store cache survive source edits.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=movies-pnpm-store,target=/pnpm/store pnpm fetch --store-dir /pnpm/store
COPY package.json tsconfig.base.json ./
COPY apps/backend/package.json apps/backend/
# The API's schemas (@movies/contracts) are bundled into dist/server.js by the build; nothing else of packages/ is.
COPY packages/contracts/package.json packages/contracts/
RUN --mount=type=cache,id=movies-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --filter @movies/backend... --workspace-root
COPY apps/backend apps/backend
COPY packages/contracts/src packages/contracts/src
RUN pnpm --filter @movies/backend build
# The runtime tree in one directory, so the runtime stage copies it in a single layer: production
# node_modules from the deploy, plus dist/ and data/ side by side (the server finds
# data/<DATA_DIR>/catalogue.json relative to its own file).
RUN --mount=type=cache,id=movies-pnpm-store,target=/pnpm/store \
    pnpm deploy --prod --offline --store-dir /pnpm/store --filter @movies/backend /deploy \
 && mkdir /app \
 && mv /deploy/package.json /deploy/node_modules /app/ \
 && cp -r apps/backend/dist apps/backend/data /app/ \
 && rm -rf /deploy

# ---- runtime: node + compiled server + prod node_modules + both bundled catalogues, nothing else ----
FROM ${BASE_IMAGE}
# A fixed numeric uid so Kubernetes' runAsNonRoot can verify it (the Deployments use 10001 too).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin app
ENV NODE_ENV=production \
    PORT=8000 \
    DATA_DIR=bollywood-data \
    SERVICE_VERSION=v1
WORKDIR /app
COPY --from=build /app ./
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Labels last: a new revision then rebuilds nothing but this metadata.
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="movie-backend" \
      org.opencontainers.image.description="Movie catalogue API for the Istio traffic-shifting demo: v1 serves Bollywood, v2 Hollywood (DATA_DIR)." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:24-bookworm-slim"
# node is PID 1 itself (no npm or shell wrapper), so SIGTERM reaches the server and it drains.
CMD ["node", "dist/server.js"]
