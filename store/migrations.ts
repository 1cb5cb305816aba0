import { ConciergeError } from "../core/errors.ts";
import { quoteIdent, type SqlAdapter } from "./adapter.ts";

/**
 * Schema changes, in order. Append only: an applied version is never edited, because databases in
 * the field already ran it. Vectors are plain bytea (Float32 LE), not pgvector: the search runs in
 * process, and the server Postgres may not have the extension.
 */
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE products (
  id text PRIMARY KEY,
  data jsonb NOT NULL,
  hash text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE vectors (
  model text NOT NULL,
  id text NOT NULL,
  vector bytea NOT NULL,
  PRIMARY KEY (model, id)
);
CREATE INDEX vectors_id ON vectors (id);
CREATE TABLE events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text NOT NULL,
  item_id text NOT NULL,
  type text NOT NULL,
  value double precision,
  ts bigint NOT NULL
);
CREATE INDEX events_user ON events (user_id, ts);
CREATE INDEX events_item ON events (item_id, ts);
CREATE INDEX events_ts ON events (ts);
CREATE TABLE shoppers (
  user_id text PRIMARY KEY,
  locale text,
  preferences jsonb NOT NULL DEFAULT '[]',
  personalise boolean NOT NULL DEFAULT true,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE profiles (
  user_id text PRIMARY KEY,
  vector bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE messages (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id text NOT NULL,
  user_id text NOT NULL,
  role text NOT NULL,
  text text NOT NULL,
  ts bigint NOT NULL
);
CREATE INDEX messages_user ON messages (user_id, ts);
CREATE INDEX messages_conversation ON messages (conversation_id, ts);
CREATE TABLE blobs (
  key text PRIMARY KEY,
  value bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    // Shopper segments (only the latest run is kept) and A/B experiments with their events.
    version: 2,
    sql: `
CREATE TABLE segmentations (
  id text PRIMARY KEY,
  created_at bigint NOT NULL,
  summary jsonb NOT NULL
);
CREATE TABLE segment_members (
  user_id text PRIMARY KEY,
  run_id text NOT NULL REFERENCES segmentations (id) ON DELETE CASCADE,
  segment integer NOT NULL
);
CREATE INDEX segment_members_segment ON segment_members (segment, user_id);
CREATE TABLE experiments (
  id text PRIMARY KEY,
  data jsonb NOT NULL,
  status text NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE experiment_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  experiment_id text NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  variant text NOT NULL,
  type text NOT NULL,
  ts bigint NOT NULL
);
CREATE INDEX experiment_events_tally ON experiment_events (experiment_id, variant, type, user_id);
CREATE INDEX experiment_events_user ON experiment_events (user_id);`,
  },
  {
    // Sentiment: each shopper message's (and the product it was about), and reviews/feedback the shop posts.
    version: 3,
    sql: `
ALTER TABLE messages ADD COLUMN sentiment text;
ALTER TABLE messages ADD COLUMN sentiment_score double precision;
ALTER TABLE messages ADD COLUMN item_id text;
CREATE INDEX messages_sentiment_ts ON messages (ts) WHERE sentiment IS NOT NULL;
CREATE TABLE feedback (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id text,
  item_id text,
  text text NOT NULL,
  rating double precision,
  label text NOT NULL,
  score double precision NOT NULL,
  ts bigint NOT NULL
);
CREATE INDEX feedback_item ON feedback (item_id, ts);
CREATE INDEX feedback_ts ON feedback (ts);
CREATE INDEX feedback_user ON feedback (user_id);`,
  },
  {
    // What a ranking experiment showed each shopper, so a conversion reaching any replica is
    // credited (it lived in the process that showed the list). One row per shopper and item: the
    // last show's experiment, variant and time. The primary key serves the conversion lookup;
    // shown_at serves the sweep of rows past the attribution window.
    version: 4,
    sql: `
CREATE TABLE experiment_exposed_items (
  user_id text NOT NULL,
  item_id text NOT NULL,
  experiment_id text NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  variant text NOT NULL,
  shown_at bigint NOT NULL,
  PRIMARY KEY (user_id, item_id)
);
CREATE INDEX experiment_exposed_items_shown ON experiment_exposed_items (shown_at);`,
  },
  {
    // Privacy: one-time export links (a hash of the token, never the token), the retention purge's
    // index on message time, and Bot Framework shoppers' ids gaining their origin ("bf:"), so no
    // other origin can ever produce an id that reads like theirs.
    version: 5,
    sql: `
CREATE TABLE export_links (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX export_links_user ON export_links (user_id);
CREATE INDEX export_links_expires ON export_links (expires_at);
CREATE INDEX messages_ts ON messages (ts);
${["events", "shoppers", "profiles", "messages", "feedback", "segment_members", "experiment_events", "experiment_exposed_items"]
  .map(
    (table) =>
      `UPDATE ${table} SET user_id = 'bf:' || user_id WHERE user_id ~ '^(msteams|emulator|slack|webchat|directline|skype|telegram|facebook|line|kik|email|sms|test):';`,
  )
  .join("\n")}`,
  },
  {
    // Where each conversation stands between turns, so a conversation continues on any replica.
    version: 6,
    sql: `
CREATE TABLE conversation_states (
  conversation_id text PRIMARY KEY,
  user_id text NOT NULL,
  state jsonb NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX conversation_states_user ON conversation_states (user_id);
CREATE INDEX conversation_states_updated ON conversation_states (updated_at);`,
  },
  {
    // The admin dashboard: additive hourly counters (each replica adds its share; turns, errors,
    // stage latency histograms) and the history of catalogue imports.
    version: 7,
    sql: `
CREATE TABLE activity (
  bucket bigint NOT NULL,
  metric text NOT NULL,
  label text NOT NULL,
  count double precision NOT NULL,
  sum double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, metric, label)
);
CREATE TABLE catalogue_imports (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  source text NOT NULL,
  added integer NOT NULL,
  updated integer NOT NULL,
  unchanged integer NOT NULL,
  rejected integer NOT NULL,
  products integer NOT NULL,
  seconds double precision NOT NULL
);
CREATE INDEX catalogue_imports_at ON catalogue_imports (at);`,
  },
  {
    // The shop's documents (knowledge/) and their passages; a document's passages go with it.
    version: 8,
    sql: `
CREATE TABLE kb_documents (
  id text PRIMARY KEY,
  path text NOT NULL UNIQUE,
  data jsonb NOT NULL
);
CREATE TABLE kb_passages (
  id text PRIMARY KEY,
  document_id text NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
  ord integer NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX kb_passages_document ON kb_passages (document_id, ord);`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings `schema` up to SCHEMA_VERSION in one transaction. Replicas starting together serialise on
 * an advisory lock, so each migration runs exactly once; running it again is a no-op.
 */
export async function migrate(db: SqlAdapter, schema: string): Promise<{ from: number; to: number }> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`concierge:migrate:${schema}`]);
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS ${quoteIdent(schema)}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const [row] = await tx.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${quoteIdent(schema)}.schema_version`);
    const from = row?.v ?? 0;
    if (from > SCHEMA_VERSION) {
      throw new ConciergeError(
        "schema_too_new",
        `database schema ${schema} is at version ${from}, newer than this build knows (${SCHEMA_VERSION}); upgrade Concierge`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      await tx.exec(m.sql);
      await tx.query(`INSERT INTO ${quoteIdent(schema)}.schema_version (version) VALUES ($1)`, [m.version]);
    }
    return { from, to: SCHEMA_VERSION };
  });
}
