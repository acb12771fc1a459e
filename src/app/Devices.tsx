import { useEffect } from 'react';
import { usePhone } from './store.js';

const canPickOutput = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** Microphone and speaker choice; the microphone switches within the call. */
export function Devices() {
  const devices = usePhone((s) => s.devices);
  const input = usePhone((s) => s.inputDevice);
  const output = usePhone((s) => s.outputDevice);
  const refresh = usePhone((s) => s.refreshDevices);
  const setInput = usePhone((s) => s.setInputDevice);
  const setOutput = usePhone((s) => s.setOutputDevice);

  useEffect(() => {
    void refresh();
    const media = navigator.mediaDevices;
    if (!media) return;
    const changed = () => void refresh();
    media.addEventListener('devicechange', changed);
    return () => media.removeEventListener('devicechange', changed);
  }, [refresh]);

  return (
    <div className="devices">
      <label>
        Microphone
        <select value={input} onChange={(e) => void setInput(e.target.value)}>
          <option value="">System default</option>
          {devices.inputs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {canPickOutput && (
        <label>
          Speaker
          <select value={output} onChange={(e) => setOutput(e.target.value)}>
            <option value="">System default</option>
            {devices.outputs.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      )}
    </div>
  );
}
