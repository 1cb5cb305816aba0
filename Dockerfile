# Concierge: one image, embedded defaults (PGlite in /app/data); set DATABASE_URL / REDIS_URL to scale out.
# Node 22 LTS (Node 20 reached end of life on 2026-04-30). Two stages: the first installs the
# production dependencies, the second is the runtime with only what the service runs.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
# .npmrc keeps dependencies' install scripts from running: prebuilt binaries only.
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:22-bookworm-slim
# tini reaps and forwards signals so the service shuts down cleanly; ca-certificates for optional
# model downloads (CONCIERGE_ALLOW_DOWNLOADS=1). The voice path's built-in tier: flite (English
# speech), espeak-ng (Mandarin speech, pronunciations of words the dictionary lacks), pocketsphinx
# with its US English acoustic model (speech-to-text), sox with its MP3 handler (FLAC, Ogg and MP3
# files for `concierge stt` and `voice eval`). The last line fails the build if one is missing.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates flite espeak-ng pocketsphinx pocketsphinx-en-us sox libsox-fmt-mp3 \
 && rm -rf /var/lib/apt/lists/* \
 && for p in flite espeak-ng pocketsphinx_batch sox; do command -v "$p" >/dev/null || { echo "missing $p" >&2; exit 1; }; done \
 && test -d /usr/share/pocketsphinx/model/en-us

WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
# .dockerignore keeps tests, benches, docs, local data and models out.
COPY --chown=node:node . .
RUN mkdir -p /app/data && chown node:node /app/data

USER node
ENV PORT=3978 \
    CONCIERGE_DATA_DIR=/app/data
EXPOSE 3978
VOLUME ["/app/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3978)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "bin/concierge.js", "start"]
