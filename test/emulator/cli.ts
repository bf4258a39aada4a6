import { startEmulator } from './index';
import type { Flavor } from './knobs';

// `npm run emulator [-- --port N] [--time-scale X] [--flavor cloud|studio] [--region cn|com] [--token T]`
// Starts an emulator for manual use (n8n editor, demos) and keeps it up until SIGINT/SIGTERM.

const DEFAULT_PORT = 2693; // C-O-Z-E on a phone keypad

interface CliOptions {
  port: number;
  timeScale: number;
  flavor: Flavor;
  region: 'cn' | 'com';
  token: string | undefined;
}

function usage(message: string): never {
  console.error(`${message}\nusage: tsx test/emulator/cli.ts [--port N] [--time-scale X] [--flavor cloud|studio] [--region cn|com] [--token T]`);
  process.exit(2);
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: DEFAULT_PORT, timeScale: 1, flavor: 'cloud', region: 'cn', token: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined) usage(`missing value for ${name}`);
      return next;
    };
    switch (name) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) usage('--port must be 0..65535');
        options.port = port;
        break;
      }
      case '--time-scale': {
        const scale = Number(value());
        if (!(scale > 0)) usage('--time-scale must be > 0');
        options.timeScale = scale;
        break;
      }
      case '--flavor': {
        const flavor = value();
        if (flavor !== 'cloud' && flavor !== 'studio') usage('--flavor must be cloud or studio');
        options.flavor = flavor;
        break;
      }
      case '--region': {
        const region = value();
        if (region !== 'cn' && region !== 'com') usage('--region must be cn or com');
        options.region = region;
        break;
      }
      case '--token':
        options.token = value();
        break;
      case '--help':
      case '-h':
        usage('Coze emulator');
      default:
        usage(`unknown argument ${arg}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator({
    port: options.port,
    timeScale: options.timeScale,
    flavor: options.flavor,
    region: options.region,
    ...(options.token === undefined ? {} : { token: options.token }),
  });
  console.log(`Coze emulator listening on ${emulator.baseUrl}`);
  console.log(`Token: ${emulator.token}`);
  console.log(`Flavor: ${options.flavor}, region: ${options.region}, time scale: ${options.timeScale}`);
  console.log(`Other tokens: noScope=${emulator.tokens.noScope} revoked=${emulator.tokens.revoked} otherRegion=${emulator.tokens.otherRegion} secondOwner=${emulator.tokens.secondOwner}`);
  console.log(`JWT app id: ${emulator.jwtApp.appId}`);
  console.log(`JWT key id: ${emulator.jwtApp.keyId}`);
  console.log(`JWT private key (PEM):\n${emulator.jwtApp.privateKeyPem.trim()}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, closing the emulator`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
