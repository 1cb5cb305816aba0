/** What a conversation remembers between turns. Kept in process, bounded; lost state only costs context. */
export interface ConversationState {
  /** We asked a new shopper what they like; their next message seeds their profile. */
  awaitingPreferences: boolean;
  /** Product ids shown in the last reply, in order, so "the first one" can be resolved. */
  lastShown: string[];
  /** When the shopper asked to delete their data and was asked to confirm; their next message answers. */
  pendingDeletion?: number;
  touchedAt: number;
}

export class ConversationStates {
  private readonly states = new Map<string, ConversationState>();

  constructor(
    private readonly maxConversations = 50_000,
    private readonly idleMs = 6 * 60 * 60 * 1000,
  ) {}

  get(conversationId: string, now = Date.now()): ConversationState {
    const existing = this.states.get(conversationId);
    if (existing && now - existing.touchedAt < this.idleMs) {
      // Re-insert to keep Map order = least recently used first.
      this.states.delete(conversationId);
      existing.touchedAt = now;
      this.states.set(conversationId, existing);
      return existing;
    }
    const fresh: ConversationState = { awaitingPreferences: false, lastShown: [], touchedAt: now };
    this.states.delete(conversationId);
    this.states.set(conversationId, fresh);
    while (this.states.size > this.maxConversations) {
      const oldest = this.states.keys().next().value;
      if (oldest === undefined) break;
      this.states.delete(oldest);
    }
    return fresh;
  }

  forget(conversationId: string): void {
    this.states.delete(conversationId);
  }

  get size(): number {
    return this.states.size;
  }
}
