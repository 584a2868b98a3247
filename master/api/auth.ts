// Bearer-token authentication: every request of the scope it is added to carries
// `Authorization: Bearer TOKEN` naming a token that exists (halite token create); else 401.
// The dashboard checks the token its login cookie holds with the same tokenName().
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.ts';
import type { TokenStore } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The name of the token the request was made with. */
    tokenName: string;
  }
}

const TOKEN = /^[A-Za-z0-9_-]{1,200}$/;

/** The name of the valid token `presented` is, or undefined (malformed, unknown or revoked). */
export function tokenName(tokens: TokenStore, presented: string | undefined): string | undefined {
  return presented !== undefined && TOKEN.test(presented) ? tokens.verify(presented) : undefined;
}

export function addAuth(app: FastifyInstance, tokens: TokenStore): void {
  app.decorateRequest('tokenName', '');
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const header = req.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer (\S+)$/.exec(header) : null;
    if (!m)
      throw new ApiError(401, 'UNAUTHORIZED', 'an Authorization: Bearer token is required (halite token create NAME)');
    const name = tokenName(tokens, m[1]);
    if (name === undefined) throw new ApiError(401, 'UNAUTHORIZED', 'the token is not valid (unknown or revoked)');
    req.tokenName = name;
  });
}
