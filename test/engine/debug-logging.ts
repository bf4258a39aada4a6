// Imported first by tests that inspect n8n's log lines: n8n's logger reads its settings when it is
// first created, so they must be set before n8n-core is loaded. The log goes to a file (the test
// runner's own reporting uses stdout, which must stay untouched).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const N8N_LOG_FILE = join(mkdtempSync(join(tmpdir(), 'n8n-log-')), 'n8n.log');
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_OUTPUT = 'file';
process.env.N8N_LOG_FILE_LOCATION = N8N_LOG_FILE;
