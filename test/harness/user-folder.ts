// Imported before n8n-core: n8n-core keeps an instance key in the user folder, and tests must not
// touch the real home.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'n8n-coze-engine-'));
