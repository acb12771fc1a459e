/**
 * JsSIP 3.13.8 ships no typings for its internal RequestSender module; the members the
 * challenge patch relies on are typed in `challenge-patch.ts` and pinned by
 * `src/ua/jssip-contract.test.ts`.
 */
declare module 'jssip/lib/RequestSender.js' {
  const RequestSender: new (...args: never[]) => object;
  export default RequestSender;
}
