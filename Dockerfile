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
ENV NODE_ENV=production PIVOT_ESL_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY conf ./conf
USER node
EXPOSE 8084
CMD ["node", "dist/src/main.js"]
