/**
 * Product ids ↔ dense integer slots, shared by the vector index, BM25 and the facet columns so a
 * filter is a typed-array lookup and usearch gets small integer keys. A slot is never reused for
 * another id: a product removed and imported again gets its old slot back.
 */
export class IdSpace {
  private readonly slots = new Map<string, number>();
  private readonly ids: string[] = [];

  get size(): number {
    return this.ids.length;
  }

  slotOf(id: string): number | undefined {
    return this.slots.get(id);
  }

  /** The id's slot, allocating the next one for an id not seen before. */
  intern(id: string): number {
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.ids.length;
      this.ids.push(id);
      this.slots.set(id, slot);
    }
    return slot;
  }

  idOf(slot: number): string {
    const id = this.ids[slot];
    if (id === undefined) throw new RangeError(`no product in slot ${slot}`);
    return id;
  }

  toJSON(): string[] {
    return [...this.ids];
  }

  static fromJSON(ids: string[]): IdSpace {
    const space = new IdSpace();
    for (const id of ids) space.intern(id);
    if (space.size !== ids.length) throw new Error("id list has duplicates");
    return space;
  }
}
