let context: AudioContext | null = null;

/**
 * Makes the audio context ahead of the first ring: creating one takes hundreds of milliseconds
 * of the main thread, which the first offer's card would otherwise wait behind. Before the user
 * has touched the page it starts suspended, as it would at the ring; `ring` resumes it.
 */
export function prepareRing(): void {
  try {
    context ??= new AudioContext();
  } catch {
    // No audio: `ring` tries again and stays silent.
  }
}

/** Two short tones made with WebAudio, so the ring needs no audio file. Never throws. */
export function ring(): void {
  try {
    context ??= new AudioContext();
    const ctx = context;
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    const start = ctx.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.22, 660],
    ] as const) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    }
  } catch {
    // No audio device or autoplay refused: the card and the title still alert.
  }
}
