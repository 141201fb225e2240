import { hash, verify } from '@node-rs/argon2';

/** Argon2id with the library's defaults (OWASP-recommended memory and time costs). */
export const passwordHasher = {
  hash: (password: string): Promise<string> => hash(password),
  verify: async (digest: string, password: string): Promise<boolean> => {
    try {
      return await verify(digest, password);
    } catch {
      return false;
    }
  },
};
