# movie-frontend: the Vite production build served by nginx on 8080 as a non-root user (Service port 80 → 8080).
# Build from the repository root:  docker build -f docker/frontend.Dockerfile -t movie-frontend:0.1.0 .
# /api/ never reaches this nginx: in the cluster Istio routes it to movie-backend first.

# Base images: the official ones by default. `pnpm images` passes local stand-ins (localhost/movies-base/…) here
# when it cannot pull; the build stage and the runtime stage take separate arguments, so a stand-in's build-only
# trust of the host's CA bundle never reaches the shipped image.
ARG BUILD_IMAGE=node:24-bookworm-slim
ARG BASE_IMAGE=nginx:1.27-bookworm

# ---- build: vite build with the frozen lockfile ----
FROM ${BUILD_IMAGE} AS build
ENV PNPM_VERSION=12.4.2 \
    CI=true
RUN npm install --global --no-fund --no-audit pnpm@${PNPM_VERSION}
WORKDIR /repo
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=movies-pnpm-store,target=/pnpm/store pnpm fetch --store-dir /pnpm/store
COPY package.json tsconfig.base.json ./
COPY apps/frontend/package.json apps/frontend/
# The UI bundles the pure split-format and stats modules of @movies/mesh (one home for them) and the API and
# /__mesh schemas of @movies/contracts.
COPY packages/mesh/package.json packages/mesh/
COPY packages/contracts/package.json packages/contracts/
RUN --mount=type=cache,id=movies-pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --offline --store-dir /pnpm/store --filter @movies/frontend... --workspace-root
COPY apps/frontend apps/frontend
COPY packages/mesh/src packages/mesh/src
COPY packages/contracts/src packages/contracts/src
RUN pnpm --filter @movies/frontend build

# ---- runtime: static files + nginx, nothing else ----
FROM ${BASE_IMAGE}
COPY docker/nginx/nginx.conf /etc/nginx/nginx.conf
COPY docker/nginx/security-headers.conf /etc/nginx/snippets/security-headers.conf
COPY --from=build /repo/apps/frontend/dist /usr/share/nginx/html
# uid 101 is the nginx user of the official image; numeric so runAsNonRoot can verify it. Everything nginx
# writes (pid, temp files) lives under /tmp, so a read-only root filesystem plus an emptyDir /tmp suffices.
USER 101:101
EXPOSE 8080
# Labels last: a new revision then rebuilds nothing but this metadata.
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="movie-frontend" \
      org.opencontainers.image.description="React movie-catalogue UI for the Istio traffic-shifting demo, served by nginx on 8080." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/nginx:1.27-bookworm"
# nginx's graceful shutdown: finish in-flight requests, then exit.
STOPSIGNAL SIGQUIT
# Bypass the base image's entrypoint scripts: they rewrite conf.d/, which this image neither uses nor can write.
ENTRYPOINT ["nginx", "-e", "stderr"]
CMD ["-g", "daemon off;"]
