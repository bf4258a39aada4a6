import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { once } from 'node:events';
import { describe, it } from 'node:test';

// `npm run emulator` (tsx test/emulator/cli.ts): prints the base URL and token, serves, and
// exits cleanly on SIGTERM.

describe('cli', () => {
  it('starts, serves, prints its credentials and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'cli.ts'), '--port', '0', '--time-scale', '0.01', '--token', 'pat_cli_test'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const listening = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /Coze emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output);
        if (match?.[1] && output.includes('-----END PRIVATE KEY-----')) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`cli exited early with ${String(code)}:\n${output}`)));
    });
    try {
      const baseUrl = await listening;
      assert.match(output, /^Token: pat_cli_test$/m);
      assert.match(output, /^JWT app id: \d{13}$/m);
      assert.match(output, /^JWT key id: \S+$/m);
      const response = await fetch(`${baseUrl}/v1/workspaces`, { headers: { Authorization: 'Bearer pat_cli_test' } });
      assert.equal(((await response.json()) as { code: number }).code, 0);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
