import { type Activity, ActivityTypes, type Entity } from "@microsoft/agents-activity";
import type { ResourceResponse } from "@microsoft/agents-hosting";
import type { Logger } from "../../core/logger.ts";

/**
 * Teams' streaming protocol for bot messages (one-on-one chats): an informative typing activity
 * opens the stream and Teams answers with its id; typing activities then carry the whole text so
 * far with an increasing streamSequence; a final message with the complete reply closes it. Each
 * activity says where it belongs in a `streaminfo` entity and in channelData (Teams wants the
 * stream id in both: the entity as Teams documents it, channelData as Microsoft's Teams AI library
 * for JS sends it, which is all botbuilder 4.23's serializer let through). Teams throttles updates,
 * so they are coalesced to at most one per `intervalMs`; the final message is never delayed.
 */

export type StreamType = "informative" | "streaming" | "final";

export interface StreamInfo {
  streamType: StreamType;
  streamSequence?: number;
  streamId?: string;
}

export type SendActivity = (activity: Partial<Activity>) => Promise<ResourceResponse | undefined>;

export interface TeamsStreamOptions {
  send: SendActivity;
  /** Shortest gap between two sends; Teams allows about one update a second. */
  intervalMs?: number;
  logger?: Logger;
}

const DEFAULT_INTERVAL_MS = 1000;
// Teams refuses informative text over 1000 characters.
const MAX_INFORMATIVE = 1000;

function withStreamInfo(activity: Partial<Activity>, info: StreamInfo): Partial<Activity> {
  const entity = { type: "streaminfo", ...info } as Entity;
  return {
    ...activity,
    entities: [...(activity.entities ?? []), entity],
    channelData: { ...(activity.channelData as Record<string, unknown> | undefined), ...info },
  };
}

export class TeamsStream {
  private readonly send: SendActivity;
  private readonly intervalMs: number;
  private readonly logger?: Logger;
  private streamId: string | undefined;
  private sequence = 0;
  private text = "";
  private sentText = "";
  private lastSentAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  /** Updates stop once Teams refuses one (the shopper pressed Stop, or throttling); the final message still goes. */
  private updating = false;
  private finished = false;

  constructor(options: TeamsStreamOptions) {
    this.send = options.send;
    this.intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
    this.logger = options.logger;
  }

  /** The stream's id Teams assigned (undefined until opened, or when Teams gave none). */
  get id(): string | undefined {
    return this.streamId;
  }

  /** Opens the stream with an informative update; a send failure propagates (the channel is unreachable). */
  async open(informative: string): Promise<void> {
    this.sequence = 1;
    const response = await this.send(withStreamInfo({ type: ActivityTypes.Typing, text: informative.slice(0, MAX_INFORMATIVE) }, { streamType: "informative", streamSequence: 1 }));
    this.lastSentAt = Date.now();
    this.streamId = response?.id || undefined;
    // Without the id Teams assigns, later updates cannot name their stream: the final message alone answers.
    this.updating = this.streamId !== undefined;
    if (!this.updating) this.logger?.debug("Teams gave no stream id; sending the final message only");
  }

  /** Adds a piece of the reply; an update with the whole text so far goes out when the throttle allows. */
  push(delta: string): void {
    if (this.finished || !delta) return;
    this.text += delta;
    this.schedule();
  }

  private schedule(): void {
    if (this.finished || !this.updating || this.timer) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inFlight = this.inFlight.then(() => this.update());
    }, wait);
  }

  /** Closes the stream with the complete reply (text, cards, suggested actions). */
  async finish(final: Partial<Activity>): Promise<ResourceResponse | undefined> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    const message: Partial<Activity> = { ...final, type: ActivityTypes.Message };
    return this.send(this.streamId ? withStreamInfo(message, { streamType: "final", streamId: this.streamId }) : message);
  }

  /** Stops updating without a final message (the shopper went away). */
  cancel(): void {
    this.finished = true;
    this.updating = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async update(): Promise<void> {
    if (this.finished || !this.updating || this.text === this.sentText) return;
    const text = this.text;
    this.sequence++;
    try {
      await this.send(withStreamInfo({ type: ActivityTypes.Typing, text }, { streamType: "streaming", streamSequence: this.sequence, streamId: this.streamId }));
      this.sentText = text;
      this.lastSentAt = Date.now();
    } catch (err) {
      this.updating = false;
      this.logger?.warn({ err }, "Teams refused a streaming update; the final message will carry the whole reply");
      return;
    }
    // More text arrived while this update was on its way.
    if (this.text !== this.sentText) this.schedule();
  }
}
