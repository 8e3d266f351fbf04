# syntax=docker/dockerfile:1
# Node.js 24 (LTS), pinned to one release in both stages; package.json "engines" lists the Node.js versions that work.
#
# Build stage: compile TypeScript with the dev dependencies, then assemble the runtime layout in /runtime with
# scripts/build-runtime.sh (the compiled server and the production dependencies only), as the systemd unit does.
FROM node:24.19.0-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json README.md LICENSE CHANGELOG.md ./
COPY src ./src
COPY scripts ./scripts
COPY conf ./conf
RUN npm run build && sh scripts/build-runtime.sh /runtime

# Runtime stage: that layout, owned by root, run by the unprivileged node user.
FROM node:24.19.0-bookworm-slim
ENV NODE_ENV=production PIVOT_ESL_HOST=0.0.0.0 PIVOT_ADMIN_HOST=0.0.0.0 PIVOT_ADMIN_PORT=8085 \
    PIVOT_RECORDING_SPOOL_DIR=/var/spool/pivot-esl/recordings
WORKDIR /app
COPY --from=build /runtime ./
# The recording spool FreeSWITCH writes and the server reads: mount the directory FreeSWITCH uses here, at the
# same path on both sides (the server tells FreeSWITCH where to record). See conf/README.md, "Recording spool".
RUN install -d -o node -g node -m 2770 /var/spool/pivot-esl/recordings
VOLUME ["/var/spool/pivot-esl/recordings"]
USER node
EXPOSE 8084 8085
# node slim has no curl: Node's own fetch asks /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PIVOT_ADMIN_PORT||8085)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains (server.drainMs, 30 s by default): give `docker stop` more than that, e.g. --time 40.
STOPSIGNAL SIGTERM
# node itself, not npm: the signals reach the server.
CMD ["node", "dist/src/main.js"]
