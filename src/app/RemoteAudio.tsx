import { useEffect, useRef } from 'react';

/** Plays the other party's audio, on the chosen speaker when the browser lets pages choose. */
export function RemoteAudio({ stream, sinkId = '' }: { stream: MediaStream | null; sinkId?: string }) {
  const ref = useRef<HTMLAudioElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = stream;
    if (stream) {
      el.play().catch(() => {
        // Autoplay may be refused until the person interacts; the element keeps the stream.
      });
    }
  }, [stream]);

  useEffect(() => {
    const el = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    el?.setSinkId?.(sinkId).catch(() => undefined);
  }, [sinkId]);

  return <audio ref={ref} autoPlay className="remote-audio" data-sink={sinkId} />;
}
