# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY scripts ./scripts
RUN npm run build

# Runtime stage: production dependencies and the compiled server only, as the unprivileged node user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PIVOT_ESL_HOST=0.0.0.0 PIVOT_ADMIN_HOST=0.0.0.0 PIVOT_ADMIN_PORT=8085
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY conf ./conf
USER node
EXPOSE 8084 8085
# node slim has no curl: Node's own fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PIVOT_ADMIN_PORT||8085)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains (server.drainMs, 30 s by default): give `docker stop` more than that, e.g. --time 40.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
