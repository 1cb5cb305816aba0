import { randomUUID } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Logger } from "../../core/logger.ts";
import { formatOf, importDocuments } from "../../knowledge/index.ts";
import { type CatalogFormat, createRecommender, type Embedder, formatRowError, importCatalog, readCatalogStream } from "../../recommend/index.ts";
import type { ChangeKind, Product, Store } from "../../store/index.ts";

/** An import's progress as GET /api/admin/imports/:jobId answers it. */
export interface ImportJob {
  jobId: string;
  kind: ChangeKind;
  state: "queued" | "running" | "done" | "failed";
  done: number;
  total: number;
  added: number;
  updated: number;
  rejected: number;
  errors: string[];
  startedAt: string;
  finishedAt?: string;
}

export interface UploadedDocument {
  path: string;
  content?: string;
  contentBase64?: string;
}

const ERRORS_KEPT = 100;
const JOBS_KEPT = 100;
const BLOB_PREFIX = "live:import-job:";

/**
 * Runs the admin API's imports in this process, one at a time, and keeps their progress: in memory
 * and in the store (so any replica answers for a job another one runs). A job is "done" once the
 * change is in the store AND this service answers from it (its indexes were rebuilt and swapped).
 */
export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      store: Store;
      logger: Logger;
      dataDir: string;
      /** The downloaded embedding model when the service runs one (else the built-in one is fitted). */
      embedder: () => Embedder | undefined;
      /** Marks the change and waits until this service has rebuilt what it affects. */
      changed: (kind: ChangeKind) => Promise<void>;
    },
  ) {}

  async get(jobId: string): Promise<ImportJob | undefined> {
    const here = this.jobs.get(jobId);
    if (here) return { ...here, errors: [...here.errors] };
    const blob = await this.deps.store.blobs.getBlob(BLOB_PREFIX + jobId).catch(() => null);
    return blob ? (JSON.parse(blob.toString("utf8")) as ImportJob) : undefined;
  }

  catalogue(text: string, format: CatalogFormat | undefined): ImportJob {
    return this.start("catalogue", async (job, save) => {
      const products: Product[] = [];
      const reader = readCatalogStream(
        (async function* () {
          yield text;
        })(),
        {
        format,
        onError: (e) => {
          job.rejected++;
          if (job.errors.length < ERRORS_KEPT) job.errors.push(formatRowError(e));
        },
        },
      );
      for await (const p of reader) products.push(p);
      job.total = products.length + job.rejected;
      job.done = job.rejected;
      await save();
      const embedder = this.deps.embedder();
      // Indexed aside, as the CLI does: the service's own indexes change only when the rebuild swaps them.
      const aside = createRecommender({ store: this.deps.store, embedder, dataDir: this.deps.dataDir, progress: false, cooccurrence: false, model: false, useTuning: false });
      const result = await importCatalog({
        store: this.deps.store,
        recommender: aside,
        products,
        onProgress: (p) => {
          if (p.phase !== "saving") return;
          job.done = job.rejected + p.done;
          void save();
        },
      });
      job.added = result.added;
      job.updated = result.updated;
      job.rejected += result.failed;
      for (const e of result.errors) if (job.errors.length < ERRORS_KEPT) job.errors.push(e);
      job.done = job.total;
      await this.deps.store.catalogue
        .recordImport({
          at: Date.now(),
          source: "admin API",
          added: result.added,
          updated: result.updated,
          unchanged: result.unchanged,
          rejected: job.rejected,
          products: await this.deps.store.catalogue.countProducts(),
          seconds: Number(result.seconds.toFixed(3)),
        })
        .catch((err: unknown) => this.deps.logger.warn({ err }, "the catalogue import could not be recorded in the import history"));
      return result.added + result.updated > 0;
    });
  }

  documents(documents: UploadedDocument[]): ImportJob {
    return this.start("knowledge", async (job, save) => {
      job.total = documents.length;
      const dir = await mkdtemp(path.join(tmpdir(), "concierge-kb-"));
      try {
        const files = [];
        for (const [i, d] of documents.entries()) {
          // The file's name keeps the extension (it says the format); the stored path is the one given.
          const file = path.join(dir, String(i), `document${path.extname(d.path).toLowerCase()}`);
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, d.contentBase64 !== undefined ? Buffer.from(d.contentBase64, "base64") : d.content ?? "");
          files.push({ file, path: d.path });
        }
        const result = await importDocuments({
          store: this.deps.store.knowledge,
          files,
          onProgress: (done, _total, item) => {
            job.done = done;
            if (item.status === "added") job.added++;
            else if (item.status === "updated") job.updated++;
            else if (item.status === "failed") {
              job.rejected++;
              if (job.errors.length < ERRORS_KEPT) job.errors.push(`${item.path}: ${item.error}`);
            }
            void save();
          },
        });
        return result.added + result.updated > 0;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }

  private start(kind: ChangeKind, work: (job: ImportJob, save: () => Promise<void>) => Promise<boolean>): ImportJob {
    const job: ImportJob = { jobId: randomUUID(), kind, state: "queued", done: 0, total: 0, added: 0, updated: 0, rejected: 0, errors: [], startedAt: new Date().toISOString() };
    this.jobs.set(job.jobId, job);
    for (const id of this.jobs.keys()) {
      if (this.jobs.size <= JOBS_KEPT) break;
      this.jobs.delete(id);
    }
    let lastSaved = 0;
    const save = async (force = false) => {
      if (!force && Date.now() - lastSaved < 500) return;
      lastSaved = Date.now();
      await this.deps.store.blobs.putBlob(BLOB_PREFIX + job.jobId, Buffer.from(JSON.stringify(job))).catch(() => undefined);
    };
    void save(true);
    this.queue = this.queue.then(async () => {
      job.state = "running";
      await save(true);
      const started = Date.now();
      try {
        const changed = await work(job, () => save());
        if (changed) await this.deps.changed(kind);
        job.state = "done";
        this.deps.logger.info({ jobId: job.jobId, kind, added: job.added, updated: job.updated, rejected: job.rejected, ms: Date.now() - started }, "admin import done");
      } catch (err) {
        job.state = "failed";
        job.errors.push(err instanceof Error ? err.message : String(err));
        this.deps.logger.error({ err, jobId: job.jobId, kind }, "admin import failed");
      }
      job.finishedAt = new Date().toISOString();
      await save(true);
    });
    return job;
  }
}

/** Whether the knowledge base reads a document stored under this path (by its extension). */
export function isDocumentPath(p: string): boolean {
  return formatOf(p) !== undefined;
}
