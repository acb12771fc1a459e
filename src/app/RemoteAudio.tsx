import { useEffect, useRef } from 'react';

/** Plays the other party's audio. */
export function RemoteAudio({ stream }: { stream: MediaStream | null }) {
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

  return <audio ref={ref} autoPlay className="remote-audio" />;
}
