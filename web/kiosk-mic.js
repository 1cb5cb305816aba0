// Opens the microphone with the browser's echo cancellation (so the kiosk's own reply, played
// through its speaker, is removed before it reaches the server), noise suppression and gain
// control, and runs it through the capture worklet (16 kHz PCM16 frames).

export class MicrophoneError extends Error {
  /** @param {"insecure"|"unsupported"|"denied"|"not_found"|"busy"|"failed"} code */
  constructor(code, message, options) {
    super(message, options);
    this.code = code;
  }
}

/**
 * @param {AudioContext} ctx
 * @param {{onFrame: (pcm: ArrayBuffer, level: number) => void, onLost?: () => void, targetRate?: number, frameMs?: number}} options
 * @returns {Promise<{close: () => void, settings: MediaTrackSettings}>}
 */
export async function openMicrophone(ctx, options) {
  if (!window.isSecureContext) throw new MicrophoneError("insecure", "the microphone only works on a secure page: open the kiosk over https:// or on http://localhost");
  if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError("unsupported", "this browser cannot capture the microphone (no getUserMedia)");
  if (!ctx.audioWorklet) throw new MicrophoneError("unsupported", "this browser has no AudioWorklet; use a current Chromium, Firefox or Safari");

  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: { ideal: 1 } },
      video: false,
    });
  } catch (err) {
    const name = err?.name;
    if (name === "NotAllowedError" || name === "SecurityError") throw new MicrophoneError("denied", "microphone access was refused; allow the microphone for this page in the browser's site settings, then reload", { cause: err });
    if (name === "NotFoundError" || name === "OverconstrainedError") throw new MicrophoneError("not_found", "no microphone was found; plug one in and reload", { cause: err });
    if (name === "NotReadableError" || name === "AbortError") throw new MicrophoneError("busy", "the microphone is in use by another program or failed to start", { cause: err });
    throw new MicrophoneError("failed", `the microphone could not be opened: ${err?.message ?? err}`, { cause: err });
  }

  try {
    await ctx.audioWorklet.addModule(new URL("./kiosk-worklet.js", import.meta.url));
    const source = ctx.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(ctx, "concierge-mic", {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCountMode: "explicit",
      channelCount: 1,
      processorOptions: { targetRate: options.targetRate ?? 16000, frameMs: options.frameMs ?? 20 },
    });
    // A node only runs while something pulls it: route it to the speakers through a muted gain.
    const mute = ctx.createGain();
    mute.gain.value = 0;
    node.port.onmessage = (event) => options.onFrame(event.data.pcm, event.data.level);
    source.connect(node);
    node.connect(mute);
    mute.connect(ctx.destination);
    const [track] = stream.getAudioTracks();
    track.addEventListener("ended", () => options.onLost?.());
    return {
      settings: track.getSettings(),
      close() {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        mute.disconnect();
        for (const t of stream.getTracks()) t.stop();
      },
    };
  } catch (err) {
    for (const t of stream.getTracks()) t.stop();
    throw new MicrophoneError("failed", `the audio pipeline could not start: ${err?.message ?? err}`, { cause: err });
  }
}
