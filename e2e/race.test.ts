import { describe, it } from 'vitest';
import { browserHarness } from './support/harness.js';

const { open } = browserHarness();

describe('a CANCEL crossing the answer', () => {
  // The caller's CANCEL and the callee's 200 OK cross: the caller must still ACK and BYE the 200
  // (RFC 3261 §9.1), or the callee stays in a call nobody is on until its wait for the ACK runs out.
  it('the caller hangs up as the callee answers: both phones return to the dialer', async () => {
    const alice = await open('alice');
    const bob = await open('bob');
    await alice.signIn('alice@a.keyhop.test', 'alice-pass');
    await bob.signIn('bob@b.keyhop.test', 'bob-pass');
    for (let round = 0; round < 3; round++) {
      await alice.dial('bob@b.keyhop.test');
      await bob.button('Answer').click();
      await alice.button('Hang up').click();
      await bob.waitIdle();
      await alice.waitIdle();
    }
  }, 120_000);
});
