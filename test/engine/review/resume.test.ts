import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { IDataObject } from 'n8n-workflow';

import { IDS, run, runParams, withEmulator, workflow } from '../helpers';

it('the resumed result keeps the execute ID the node already knows from the event ID', async () => {
	await withEmulator(async (emu) => {
		const asked = (await run(emu, runParams(IDS.docWeather))).items[0].json as IDataObject & { interrupt: { eventId: string } };
		const resumed = await run(emu, { operation: 'resume', workflowId: workflow(IDS.docWeather), eventId: asked.interrupt.eventId, interruptType: 2, resumeData: '杭州，2024-08-20', resumeVia: 'stream', options: {} });
		assert.equal(typeof asked.executeId, 'string');
		assert.equal(resumed.items[0].json.executeId, asked.executeId); // this Done names no run
	});
});
