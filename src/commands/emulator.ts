import { startEmulator } from '../emulator/index.js';
import type { Out } from './io.js';

export interface EmulatorCommandOptions {
  port: string;
  host: string;
  state?: string;
  domain?: string;
  clientId?: string;
  clientSecret?: string;
  rateLimit?: string;
}

/** Serve the emulator until interrupted; prints how to point tenantctl at it. */
export async function emulatorCommand(options: EmulatorCommandOptions, out: Out): Promise<number> {
  const port = Number(options.port);
  const emulator = await startEmulator({
    port,
    host: options.host,
    statePath: options.state,
    domain: options.domain,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    rateLimit: options.rateLimit,
  });
  out.print(
    [
      `Emulator listening on ${emulator.url} (tenant ${emulator.domain}${options.state ? `, state in ${options.state}` : ''})`,
      'Point tenantctl at it with:',
      `  export AUTH0_DOMAIN=${emulator.url} AUTH0_CLIENT_ID=${emulator.clientId} AUTH0_CLIENT_SECRET=<the secret>`,
      options.clientSecret
        ? ''
        : '  (no --client-secret was given, so the secret is random: restart with --client-secret to choose it)',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  out.note('Emulator stopped.\n');
  return 0;
}
