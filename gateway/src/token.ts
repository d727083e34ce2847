import { mintToken } from '@hub/auth';
import { ConfigError } from '@hub/config';
import { loadAuthConfig } from './config';
import { parseTokenArgs, UsageError } from './token-args';

// `pnpm -s token --role partner --partner <id>` prints only the token, so it can be captured:
// TOKEN=$(pnpm -s token --role vendor_admin)
async function main(): Promise<number> {
  try {
    const { jwt } = loadAuthConfig(process.env);
    const { claims, expiresIn } = parseTokenArgs(process.argv.slice(2), jwt.maxTtlSeconds);
    console.log(await mintToken(claims, { secret: jwt.secret, expiresIn, issuer: jwt.issuer, audience: jwt.audience }));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main();
