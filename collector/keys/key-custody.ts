import { and, desc, eq, isNull } from 'drizzle-orm';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { JWE_ALG } from '../../sdk/encrypt-answers';
import type { Database } from '../db/open-database';
import { formKeys } from '../db/schema';
import { unwrapKey, wrapKey } from './key-wrap';

type Executor = Pick<Database, 'select' | 'insert'>;

/** A form's public key as published: the JWK carries its kid. */
export interface PublicFormKey {
  kid: string;
  jwk: JWK & { kid: string };
}

/**
 * Creates, finds and unwraps form keys. Unwrapped private keys are cached in
 * memory by kid, because a kid's key never changes once stored.
 */
export class KeyCustody {
  private readonly cache = new Map<string, { formId: string; key: Promise<CryptoKey> }>();

  constructor(
    private readonly db: Database,
    private readonly masterKey: Buffer,
  ) {}

  /** Generates a P-256 key pair for a form and stores the private half wrapped. */
  async createKey(formId: string, executor: Executor = this.db): Promise<PublicFormKey> {
    const { publicKey, privateKey } = await generateKeyPair(JWE_ALG, { crv: 'P-256', extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const jwk = { ...publicJwk, kid, alg: JWE_ALG, use: 'enc' };

    const privateJwk = JSON.stringify(await exportJWK(privateKey));
    await executor.insert(formKeys).values({ kid, formId, publicJwk: jwk, wrappedPrivateKey: wrapKey(this.masterKey, kid, privateJwk) });
    return { kid, jwk };
  }

  /** Returns the key that browsers encrypt to: the form's newest unretired key. */
  async currentKey(formId: string, executor: Executor = this.db): Promise<PublicFormKey | undefined> {
    const [row] = await executor
      .select({ kid: formKeys.kid, jwk: formKeys.publicJwk })
      .from(formKeys)
      .where(and(eq(formKeys.formId, formId), isNull(formKeys.retiredAt)))
      .orderBy(desc(formKeys.createdAt))
      .limit(1);
    return row ? { kid: row.kid, jwk: row.jwk as JWK & { kid: string } } : undefined;
  }

  /** Returns the private key of a kid that belongs to the form, retired or not, or undefined. */
  async privateKey(formId: string, kid: string): Promise<CryptoKey | undefined> {
    let entry = this.cache.get(kid);
    if (!entry) {
      const [row] = await this.db
        .select({ formId: formKeys.formId, wrapped: formKeys.wrappedPrivateKey })
        .from(formKeys)
        .where(eq(formKeys.kid, kid))
        .limit(1);
      if (!row) return undefined;

      const key = importJWK(JSON.parse(unwrapKey(this.masterKey, kid, row.wrapped)) as JWK, JWE_ALG) as Promise<CryptoKey>;
      entry = { formId: row.formId, key };
      this.cache.set(kid, entry);
      key.catch(() => this.cache.delete(kid));
    }

    return entry.formId === formId ? entry.key : undefined;
  }
}
