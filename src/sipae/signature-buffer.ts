/**
 * The MS-SIPAE signature buffer, version 3 and later: 15 fields, each in angle brackets, plus the
 * status code for responses ([MS-SIPAE] §3.2.5.2; field rules as implemented by SIPE's
 * sipe-sign.c, reproduced in the anchors spec §1.3). Fields keep the case and spelling they have
 * in the message. The buffer is what GSS_GetMIC signs and GSS_VerifyMIC checks.
 */
import type { SipMessage } from '../sip/message.js';
import { splitList } from '../sip/headers.js';

/** The security-association values that head the buffer. */
export interface SignatureHead {
  protocol: string;
  /** crand (client) or srand (server). */
  rand: string;
  /** cnum (client) or snum (server). */
  num: string;
  realm: string;
  targetname: string;
}

export function signatureBuffer(msg: SipMessage, head: SignatureHead): string {
  const from = msg.get('From') ?? '';
  const to = msg.get('To') ?? '';
  const cseq = msg.get('CSeq') ?? '';
  const space = cseq.indexOf(' ');
  const cseqNumber = space < 0 ? cseq : cseq.slice(0, space);
  const method = msg.isRequest ? msg.method : space < 0 ? '' : cseq.slice(space + 1).trim();
  const pai = assertedIdentity(msg);
  const fields = [
    head.protocol, head.rand, head.num, head.realm, head.targetname,
    msg.get('Call-ID') ?? '', cseqNumber, method,
    addressUri(from), tagOf(from), addressUri(to), tagOf(to),
    pai.sip, pai.tel, msg.get('Expires') ?? '',
  ];
  if (!msg.isRequest) fields.push(String(msg.status));
  return fields.map((f) => `<${f}>`).join('');
}

/** The signature head carried by a received message's own auth header (SIPE priority order). */
export function headFromMessage(msg: SipMessage): SignatureHead | null {
  for (const name of ['Proxy-Authorization', 'Proxy-Authentication-Info', 'Authentication-Info', 'Authorization']) {
    const value = msg.get(name);
    if (value === undefined) continue;
    const protocol = value.trim().split(/\s/, 1)[0] ?? '';
    const param = (re: RegExp) => re.exec(value)?.[1] ?? '';
    return {
      protocol,
      rand: param(/[cs]rand="([^"]*)"/i),
      num: param(/[cs]num="([^"]*)"/i),
      realm: param(/realm="([^"]*)"/i),
      targetname: param(/targetname="([^"]*)"/i),
    };
  }
  return null;
}

/** The URI of a From/To value: inside `<…>`, else up to the first `;` (case kept). */
function addressUri(value: string): string {
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    return value.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).trim();
}

function tagOf(value: string): string {
  const gt = value.lastIndexOf('>');
  const params = gt >= 0 ? value.slice(gt + 1) : value;
  const m = /;\s*tag=([^;]*)/i.exec(params);
  return m ? m[1]!.trim() : '';
}

/** The sip: and tel: URIs of P-Asserted-Identity, else P-Preferred-Identity. */
function assertedIdentity(msg: SipMessage): { sip: string; tel: string } {
  const values = msg.getAll('P-Asserted-Identity');
  const list = values.length ? values : msg.getAll('P-Preferred-Identity');
  let sip = '';
  let tel = '';
  for (const item of list.flatMap(splitList)) {
    const lt = item.indexOf('<');
    const uri = lt >= 0 ? item.slice(lt + 1, item.indexOf('>', lt)) : item.trim();
    const scheme = uri.slice(0, 4).toLowerCase();
    if (scheme === 'sip:' && !sip) sip = uri;
    else if (scheme === 'tel:' && !tel) tel = uri;
  }
  return { sip, tel };
}
