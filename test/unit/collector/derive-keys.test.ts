import { describe, expect, it } from 'vitest';
import { deriveContactKeys } from '../../../collector/contacts/contact-crypto';
import { deriveStaffKeys } from '../../../collector/keys/derive-key';
import { deriveEmailKeys } from '../../../collector/keys/email-keys';
import { webhookSecret } from '../../../collector/workflows/webhooks/webhook-signature';

// Known answers computed with the derivations as they were before they shared
// one HKDF function: stored ciphertexts, tokens already in mail and webhook
// secrets depend on every key staying the same.
const MASTER_KEY = Buffer.alloc(32, 7);

describe('keys derived from the master key', () => {
  it('keep their values', () => {
    const email = deriveEmailKeys(MASTER_KEY);
    expect(email.messageEncryption.toString('hex')).toBe('62a5579a0863c6f035287c9e8c5020d090239577d5b225d321a6bb9032e6ef45');
    expect(email.trackingTokens.toString('hex')).toBe('44bbb20edbdbad7b74bb94551358c814de1716b3fa8f9e888a0f6c71dbf73307');
    expect(deriveStaffKeys(MASTER_KEY).fieldKey.toString('hex')).toBe('8eb9c3b44a873b573eceddd6bf5a1e3964ce4592ccf001f750dd1fa9ef932c7a');
    expect(deriveContactKeys(MASTER_KEY).encryption.toString('hex')).toBe('9c36f053b664fc401bdc17344979f0ae95e36254426fad384dcee7e314a2f335');
    expect(webhookSecret(MASTER_KEY, 'intake').toString('hex')).toBe('e4e68be003c0581a9bb7e8ab67286362be8927ced0e08323b55afa44bb8dcc2b');
  });

  it('differ by purpose', () => {
    const email = deriveEmailKeys(MASTER_KEY);
    const staff = deriveStaffKeys(MASTER_KEY);
    const all = [email.messageEncryption, email.trackingTokens, staff.fieldKey, staff.emailIndexKey, Buffer.from(staff.sessionKey)].map((key) => key.toString('hex'));
    expect(new Set(all).size).toBe(all.length);
  });
});
