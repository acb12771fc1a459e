import type { AnswerOptions } from 'jssip/lib/RTCSession';

/** Audio only unless asked otherwise. */
export const MEDIA_CONSTRAINTS: MediaStreamConstraints = { audio: true, video: false };

/**
 * No STUN or TURN: calls run on loopback or a LAN with host candidates only, and the
 * deployment has no route to public servers.
 */
export const PC_CONFIG: RTCConfiguration = { iceServers: [] };

/** Options for both placing and answering a call. */
export function mediaOptions(): AnswerOptions {
  return {
    mediaConstraints: { ...MEDIA_CONSTRAINTS },
    pcConfig: { ...PC_CONFIG, iceServers: [] },
  };
}
