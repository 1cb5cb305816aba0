import { z } from "zod";

/**
 * What a model is, independent of where it lives: the files a runtime needs, laid out as on the
 * public model hub (`<hub>/<id>/resolve/main/<path>`), so a folder copied from the hub, a shop's
 * CONCIERGE_MODELS_DIR and the ./data/models cache all look the same.
 */
export const MODEL_KINDS = ["sentence-embedding", "speech-to-text", "language-model", "voice-activity"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The service roles a downloaded model can fill; `defaultFor` marks the model used when none is configured. */
export const MODEL_ROLES = ["embedding", "stt", "llm", "vad"] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export interface ModelFile {
  /** Path inside the model folder, with "/" separators (the hub's path; what a download fetches). */
  path: string;
  /** Required files must all be present for the model to count as present; optional ones are fetched when the hub has them. */
  required: boolean;
  /** Other paths that serve instead of `path` when present locally (e.g. the fp32 ONNX instead of the quantized one). */
  alternatives?: string[];
  /** When known, a download is checked against it. */
  sha256?: string;
}

export interface ModelSpec {
  /** "<org>/<name>" on the hub, or a bare name for models that are only provided locally. */
  id: string;
  kind: ModelKind;
  files: ModelFile[];
  description: string;
  licence?: string;
  defaultFor?: ModelRole;
  /** Other folder names a shop may have used for it in CONCIERGE_MODELS_DIR. */
  aliases?: string[];
  /** Sentence-embedding models trained with instructions (e5: "query: " / "passage: "). */
  prefixes?: { query: string; passage: string };
  /** An npm dependency that ships the files in `dir` of its package: found after the shop's own copies, never downloaded. */
  npm?: { package: string; dir: string };
}

// Segments are plain names: no "..", no absolute paths, so an id can never point outside the models folders.
const segment = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, "must be letters, digits, '.', '_' or '-'")
  .refine((s) => !s.includes(".."), "must not contain '..'");

export const modelIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((id) => {
    const parts = id.split("/");
    return parts.length <= 2 && parts.every((p) => segment.safeParse(p).success);
  }, 'must be "<org>/<name>" or "<name>" made of letters, digits, ".", "_" or "-"');

const filePathSchema = z
  .string()
  .min(1)
  .refine((p) => p.split("/").every((s) => segment.safeParse(s).success), "must be a relative path of plain names");

export const modelSpecSchema = z.object({
  id: modelIdSchema,
  kind: z.enum(MODEL_KINDS),
  files: z
    .array(
      z.object({
        path: filePathSchema,
        required: z.boolean(),
        alternatives: z.array(filePathSchema).optional(),
        sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
      }),
    )
    .min(1)
    .refine((files) => files.some((f) => f.required), "at least one file must be required"),
  description: z.string(),
  licence: z.string().optional(),
  defaultFor: z.enum(MODEL_ROLES).optional(),
  aliases: z.array(segment).optional(),
  prefixes: z.object({ query: z.string(), passage: z.string() }).optional(),
  npm: z.object({ package: z.string().regex(/^(@[a-z0-9-]+\/)?[a-z0-9.-]+$/), dir: filePathSchema }).optional(),
});

/** The folder names a model may have inside a models folder: its id, its last part, its aliases. */
export function folderNames(spec: ModelSpec): string[] {
  const last = spec.id.split("/").at(-1)!;
  return [...new Set([spec.id, last, ...(spec.aliases ?? [])])];
}
