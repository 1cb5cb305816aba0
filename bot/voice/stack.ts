import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Config, voiceSettingsFromEnv } from "../../core/config.ts";
import { ConciergeError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { resolveOptionsFrom } from "../../core/models.ts";
import { loadShippedIntents } from "../../intents/shipped.ts";
import type { Product } from "../../store/types.ts";
import { type CatalogueText, type IntentScorer, LocaleTextToSpeech, loadVad, SpeechRecognizer, type VadFactory, type VoiceSettings } from "../../voice/index.ts";

/** The process's voice models, loaded once and shared by every voice and telephone session. */
export interface VoiceStack {
  settings: VoiceSettings;
  vad: VadFactory;
  stt: SpeechRecognizer;
  tts: LocaleTextToSpeech;
}

export class VoiceDisabledError extends ConciergeError {
  constructor() {
    super("voice_disabled", "voice is turned off on this service (CONCIERGE_VOICE=off)", 503);
  }
}

function catalogueText(p: Product): CatalogueText {
  return { title: p.title, brand: p.brand, category: p.category, tags: p.tags, color: p.color, price: p.price, currency: p.currency, locale: p.locale };
}

/**
 * Loads the voice stack on first use (or at start-up with CONCIERGE_VOICE=preload): the VAD, the
 * recogniser with the shop's domain language model built from the intents and the catalogue as
 * it is in the store, and the speakers. A service that never hears a voice never pays for it.
 */
export class VoiceStackLoader {
  readonly settings: VoiceSettings;
  private loading?: Promise<VoiceStack>;
  private closed = false;

  constructor(
    private readonly deps: {
      config: Config;
      logger: Logger;
      products: () => Promise<Product[]>;
      /** The shop's intent classifier: the built-in recogniser's N-best list is read with it. */
      intents?: IntentScorer;
      settings?: VoiceSettings;
    },
  ) {
    this.settings = deps.settings ?? deps.config.voice ?? voiceSettingsFromEnv();
  }

  get enabled(): boolean {
    return this.settings.service !== "off";
  }

  /** The stack, loading it if needed; a failed load is retried on the next call. */
  get(): Promise<VoiceStack> {
    if (!this.enabled) return Promise.reject(new VoiceDisabledError());
    if (this.closed) return Promise.reject(new ConciergeError("shutting_down", "the service is shutting down", 503));
    if (!this.loading) {
      this.loading = this.load();
      this.loading.catch((err) => {
        this.deps.logger.error({ err }, "voice: loading failed");
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  private async load(): Promise<VoiceStack> {
    const { config, logger } = this.deps;
    const started = Date.now();
    const resolve = resolveOptionsFrom(config);
    const cacheDir = path.join(config.dataDir, "voice");
    await mkdir(cacheDir, { recursive: true });
    const vad = await loadVad({ resolve, model: this.settings.vadModel, logger });
    const products = (await this.deps.products()).map(catalogueText);
    const utterances = loadShippedIntents(["en"]).map((u) => u.text);
    const stt = await SpeechRecognizer.load({ settings: this.settings.stt, sources: { utterances, products }, cacheDir, resolve, logger });
    if (!stt.whisper) await stt.builtIn.warmUp().catch((err) => logger.warn({ err }, "voice: the recogniser did not warm up"));
    // Of the recogniser's best readings, the one the classifier understands (bench/voice-nbest.ts: +2 to +3 points of intent accuracy).
    if (!stt.whisper && this.deps.intents) stt.useIntentChooser(this.deps.intents);
    const tts = new LocaleTextToSpeech(this.settings.tts);
    logger.info({ vad: vad.name, stt: stt.name, tier: stt.tier, seconds: (Date.now() - started) / 1000 }, "voice ready");
    return { settings: this.settings, vad, stt, tts };
  }

  /**
   * After a catalogue change: a loaded built-in recogniser gets a domain language model built from
   * the catalogue as the store now holds it, in the background; the model in use serves until the
   * new one replaces it. A stack not loaded yet reads the new catalogue when it loads. Returns when
   * the rebuild is over (callers need not wait).
   */
  async catalogueChanged(): Promise<void> {
    const loading = this.loading;
    if (!loading || this.closed) return;
    const { logger } = this.deps;
    try {
      const stack = await loading;
      if (stack.stt.whisper || this.closed) return;
      const started = Date.now();
      const products = (await this.deps.products()).map(catalogueText);
      const model = await stack.stt.updateDomain({ utterances: loadShippedIntents(["en"]).map((u) => u.text), products });
      logger.info({ words: model.words, sentences: model.sentences, ms: Date.now() - started }, "voice: domain language model rebuilt after a catalogue change");
    } catch (err) {
      logger.error({ err }, "voice: rebuilding the domain language model failed; the one in use stays");
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const loading = this.loading;
    if (!loading) return;
    const stack = await loading.catch(() => undefined);
    await stack?.stt.close();
    await stack?.vad.release();
  }
}
