// Prints the executions stored in an n8n database as JSON. Run with the same Node as that n8n (its
// sqlite3 addon is built for it): node read-executions.cjs <db> <n8n node_modules> [workflowId]
// <db> is the SQLite file (read-only; node:sqlite where Node has it, else n8n's own sqlite3) or a
// postgres://user@host:port/database URL (n8n's own pg). Safe while n8n runs.
const path = require('node:path');
const [dbPath, nodeModules, workflowId, mode] = process.argv.slice(2);
// With "--static": the workflow's static data (what triggers remember between polls) instead.
const staticOnly = mode === '--static';
const { parse } = require(path.join(nodeModules, 'flatted'));
const postgres = dbPath.startsWith('postgres://');
// PostgreSQL folds unquoted names to lower case; n8n's columns are camelCase.
const q = (name) => (postgres ? `"${name}"` : name);
const sql = staticOnly
	? `select ${q('staticData')} from workflow_entity where id = ${postgres ? '$1' : '?'}`
	: `select e.id, e.${q('workflowId')}, e.mode, e.status, e.${q('startedAt')}, e.${q('stoppedAt')}, e.${q('waitTill')}, d.data from execution_entity e
  left join execution_data d on d.${q('executionId')} = e.id ${workflowId ? `where e.${q('workflowId')} = ${postgres ? '$1' : '?'}` : ''} order by e.id`;
const params = workflowId ? [workflowId] : [];
function print(rows) {
	if (staticOnly) {
		const data = rows[0]?.staticData;
		process.stdout.write(JSON.stringify(data ? (typeof data === 'string' ? JSON.parse(data) : data) : null));
		return;
	}
	const out = rows.map((row) => {
		let json = null;
		let lastNode = null;
		let error = null;
		// Every node's runs (output 0 of each), to count runs and compare items across executions.
		let runs = {};
		// The first item waiting to run: before its first node has run (new, running) the trigger's item is only there.
		let stacked = null;
		if (row.data) {
			const data = parse(row.data);
			lastNode = data.resultData?.lastNodeExecuted ?? null;
			json = data.resultData?.runData?.[lastNode]?.[0]?.data?.main?.[0]?.map((item) => item.json) ?? null;
			error = data.resultData?.error?.message ?? null;
			stacked = data.executionData?.nodeExecutionStack?.[0]?.data?.main?.[0]?.[0]?.json ?? null;
			for (const [name, tasks] of Object.entries(data.resultData?.runData ?? {})) {
				runs[name] = tasks.map((task) => task?.data?.main?.[0]?.map((item) => item.json) ?? null);
			}
		}
		// SQLite holds UTC times as 'YYYY-MM-DD HH:MM:SS.SSS'.
		const time = (value) =>
			value instanceof Date ? value.toISOString() : value ? new Date(`${String(value).replace(' ', 'T')}Z`.replace(/ZZ$/, 'Z')).toISOString() : null;
		return {
			id: String(row.id),
			workflowId: row.workflowId,
			mode: row.mode,
			status: row.status,
			startedAt: time(row.startedAt),
			stoppedAt: time(row.stoppedAt),
			waitTill: time(row.waitTill),
			lastNode,
			json,
			error,
			runs,
			stacked,
		};
	});
	process.stdout.write(JSON.stringify(out));
}
if (postgres) {
	const { Client } = require(path.join(nodeModules, 'pg'));
	const client = new Client({ connectionString: dbPath });
	client
		.connect()
		.then(() => client.query(sql, params))
		.then((result) => {
			print(result.rows);
			return client.end();
		})
		.catch((error) => {
			process.stderr.write(`${error.stack}\n`);
			process.exit(1);
		});
} else {
	let nodeSqlite;
	try {
		nodeSqlite = require('node:sqlite');
	} catch {}
	if (nodeSqlite) {
		print(new nodeSqlite.DatabaseSync(dbPath, { readOnly: true }).prepare(sql).all(...params));
	} else {
		const sqlite3 = require(path.join(nodeModules, 'sqlite3'));
		const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY);
		db.all(sql, params, (error, rows) => {
			if (error) throw error;
			print(rows);
			db.close();
		});
	}
}
