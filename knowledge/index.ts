/**
 * The shop's knowledge base: its documents (Markdown, HTML, plain text, PDF) read into passages that
 * keep their headings, stored in the store's knowledge slice, and found again by hybrid lexical +
 * vector retrieval with the catalogue's tokeniser, BM25 and embedders (recommend/).
 */
export { type ExtractedAnswer, extractAnswer, type KbSource, sourcesOf, sourceTitle } from "./answer.ts";
export { DEFAULT_MIN_CONFIDENCE, KnowledgeBase, type KnowledgeBaseOptions, type KbLookup } from "./base.ts";
export { collectFiles, documentId, importDocuments, type KbFile, type KbImportItem, type KbImportOptions, type KbImportResult, type KbImportStatus } from "./import.ts";
export { type Block, DOCUMENT_EXTENSIONS, formatOf, readDocument, type ReadDocument } from "./read/index.ts";
export { confidenceOf, type KbHit, type KbSearchOptions, type KbSearchResult, KnowledgeIndex, passageText, type RetrievalMode } from "./retriever.ts";
export { evaluateKnowledge, formatReport, isAnswerable, type KbEvalReport, type LabelledQuestion, matchesSource, type QuestionOutcome, questionSchema, readQuestions } from "./eval.ts";
export { kbCommand } from "./cli.ts";
export { DEMO_KB_DIR, DEMO_KB_PREFIX } from "./demo/index.ts";
export { sentences } from "./sentences.ts";
export { cachedVectors } from "./vector-cache.ts";
export { type SplitOptions, type SplitPassage, splitDocument } from "./split.ts";
