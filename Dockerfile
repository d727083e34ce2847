# One image for every service of the hub; docker-compose picks the command per service.
FROM node:20-bookworm-slim
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/* \
 && npm install -g pnpm@10.34.9
WORKDIR /app
# Fetch dependencies from the lockfile alone so this layer is cached across source changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
# The gateway runs as bundled JavaScript (gateway/dist), not through tsx.
RUN pnpm --filter @hub/gateway build
USER node
EXPOSE 4000 4001
CMD ["node", "gateway/dist/index.js"]
