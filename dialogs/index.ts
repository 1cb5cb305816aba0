export { createDialogEngine, type DialogDeps } from "./engine.ts";
export { type ConversationNotice, type ConversationState, ConversationStates, isConversationNotice } from "./state.ts";
export { type GroundedWriterOptions, groundedReplyWriter } from "./grounded-writer.ts";
export type { ReplyDraft, ReplyWriter, WriteOptions, WriterProduct, WriterTask, WrittenReply } from "./reply-writer.ts";
export type { DialogEngine } from "./types.ts";
export {
  currentOverrides,
  DEFAULTS as REPLY_DEFAULTS,
  LOCALES as REPLY_LOCALES,
  REPLY_KEYS,
  type ReplyInEffect,
  type ReplyOverrides,
  readRepliesFile,
  repliesInEffect,
  repliesPath,
  useReplies,
  validateReplies,
  writeRepliesFile,
} from "./replies/index.ts";
