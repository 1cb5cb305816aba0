import { ValidationError } from "../../core/errors.ts";
import type { KbDocument, KbDocumentSummary, KbPassage, KnowledgeStore } from "../types.ts";
import { idSchema, kbDocumentSchema, kbPassageSchema, parseEach, parseInput } from "../validate.ts";
import { chunks, SqlSlice } from "./slice.ts";

/** The shop's documents and their passages (knowledge/). */
export class SqlKnowledgeStore extends SqlSlice implements KnowledgeStore {
  async putDocument(document: KbDocument, passages: KbPassage[]): Promise<void> {
    const doc = parseInput(kbDocumentSchema, document, "document");
    const rows = parseEach(kbPassageSchema, passages, "passages");
    rows.forEach((p, i) => {
      if (p.documentId !== doc.id) throw new ValidationError(`invalid passages[${i}].documentId: must be the document's id ${JSON.stringify(doc.id)}`);
    });
    if (new Set(rows.map((p) => p.id)).size !== rows.length) throw new ValidationError("invalid passages: ids must be unique");
    await this.sql.transaction(async (tx) => {
      // Another document may hold the path under an older id: the path names one document only.
      await tx.query("DELETE FROM kb_documents WHERE id = $1 OR path = $2", [doc.id, doc.path]);
      await tx.query("INSERT INTO kb_documents (id, path, data) VALUES ($1, $2, $3::jsonb)", [doc.id, doc.path, JSON.stringify(doc)]);
      for (const part of chunks(rows, this.batchSize)) {
        await tx.query(
          `INSERT INTO kb_passages (id, document_id, ord, data)
           SELECT u.id, $1, u.ord, u.data::jsonb FROM unnest($2::text[], $3::int[], $4::text[]) AS u(id, ord, data)`,
          [doc.id, part.map((p) => p.id), part.map((p) => p.ord), part.map((p) => JSON.stringify(p))],
        );
      }
    });
  }

  async documents(): Promise<KbDocumentSummary[]> {
    const rows = await this.sql.query<{ data: KbDocument; n: number | string }>(
      `SELECT d.data, (SELECT count(*) FROM kb_passages p WHERE p.document_id = d.id) AS n FROM kb_documents d ORDER BY d.path`,
    );
    return rows.map((r) => ({ ...r.data, passages: Number(r.n) }));
  }

  async removeDocument(idOrPath: string): Promise<KbDocument | null> {
    const key = parseInput(idSchema, idOrPath, "id or path");
    // Passages go by ON DELETE CASCADE.
    const [row] = await this.sql.query<{ data: KbDocument }>("DELETE FROM kb_documents WHERE id = $1 OR path = $1 RETURNING data", [key]);
    return row?.data ?? null;
  }

  async passages(): Promise<KbPassage[]> {
    const rows = await this.sql.query<{ data: KbPassage }>(
      "SELECT p.data FROM kb_passages p JOIN kb_documents d ON d.id = p.document_id ORDER BY d.path, p.ord",
    );
    return rows.map((r) => r.data);
  }

  async countDocuments(): Promise<number> {
    const [row] = await this.sql.query<{ n: number | string }>("SELECT count(*) AS n FROM kb_documents");
    return Number(row.n);
  }
}
