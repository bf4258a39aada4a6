/**
 * A throwaway PostgreSQL server for the end-to-end tests (n8n queue mode on its supported stack),
 * from Debian's own packages (see debian.ts): the version the `postgresql` metapackage names, its
 * binaries in `<repo>/.cache/postgres/root/usr/lib/postgresql/<major>/bin`, found relative to
 * themselves (Debian builds PostgreSQL relocatable).
 *
 * `initdb` and `postgres` refuse to run as root, so as root they run as the user nobody (setpriv),
 * in a data folder of their own under the system's temporary folder. Every server is a fresh
 * cluster on a free port, its socket in that folder, without durability (fsync off): a test
 * database, stopped and removed by its PID.
 */
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { becomesTrue } from '../test/support/wait';
import { debianEnv, ensureDebianPackages, exec, onFreePort, readTail, spawnServer, type DebianTree } from './debian';

type Log = (line: string) => void;

const NOBODY = 65534;
const STOP_GRACE_MS = 10_000;

export interface PostgresInstall extends DebianTree {
	/** `…/usr/lib/postgresql/<major>/bin` */
	binDir: string;
}

export interface RunningPostgres {
	host: '127.0.0.1';
	port: number;
	/** The superuser; the cluster trusts every local connection, so there is no password to keep. */
	user: 'postgres';
	/** `postgres`, the database initdb creates. */
	database: string;
	pid: number;
	/** SIGINT (fast shutdown), SIGKILL after 10 s, then the data folder goes; idempotent. */
	stop(): Promise<void>;
	/** SIGKILL at once (a crash); the data folder stays until stop(). */
	kill(): void;
}

export async function ensurePostgres(options: { log?: Log } = {}): Promise<PostgresInstall> {
	const tree = await ensureDebianPackages(
		{
			name: 'postgres',
			// `postgresql` is a metapackage: "Depends: postgresql-15" on Debian 12.
			packages: (apt) => {
				const server = /Depends:\s+(postgresql-\d+)\b/.exec(apt(['depends', 'postgresql']))?.[1];
				if (!server) throw new Error('apt-cache depends postgresql names no postgresql-<major> package');
				return [server];
			},
			binary: (root) => {
				const binDir = serverBinDir(root);
				return binDir && join(binDir, 'postgres');
			},
		},
		options.log ?? (() => {}),
	);
	return { ...tree, binDir: serverBinDir(tree.rootDir)! };
}

export async function startPostgres(options: { log?: Log } = {}): Promise<RunningPostgres> {
	const log = options.log ?? (() => {});
	const install = await ensurePostgres({ log });
	const dir = mkdtempSync(join(tmpdir(), 'e2e-postgres-'));
	const dataDir = join(dir, 'data');
	const socketDir = join(dir, 'sock');
	mkdirSync(socketDir);
	const asRoot = process.getuid?.() === 0;
	if (asRoot) for (const folder of [dir, socketDir]) chownSync(folder, NOBODY, NOBODY);
	const run = (binary: string, args: string[]): [string, string[]] =>
		asRoot ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', join(install.binDir, binary), ...args]] : [join(install.binDir, binary), args];

	const t0 = Date.now();
	const [initdb, initArgs] = run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync']);
	try {
		exec(initdb, initArgs, dir, debianEnv(install));
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	try {
		const server = await onFreePort('postgres', log, async (port) => await startOnce(install, run, dir, port, log));
		log(`postgres: pid ${server.pid} on 127.0.0.1:${server.port}, cluster made and started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		return server;
	} catch (error) {
		rmSync(dir, { recursive: true, force: true });
		throw error;
	}
}

async function startOnce(
	install: PostgresInstall,
	run: (binary: string, args: string[]) => [string, string[]],
	dir: string,
	port: number,
	log: Log,
): Promise<RunningPostgres> {
	const logPath = join(dir, `postgres-${port}.log`);
	const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: join(dir, 'sock'), max_connections: '200', jit: 'off', fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
	const [command, args] = run('postgres', ['-D', join(dir, 'data'), '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]);
	// setpriv execs postgres, so the child's PID is the server's own. SIGINT is its fast shutdown.
	const server = await spawnServer({ name: 'postgres', command, args, env: debianEnv(install), dir, logPath, stopSignal: 'SIGINT', graceMs: STOP_GRACE_MS, log });
	const ready = await becomesTrue(() => server.exitInfo() !== undefined || readTail(logPath, 200).includes('ready to accept connections'), 30_000, 50);
	if (!ready || server.exitInfo() !== undefined) {
		const output = readTail(logPath);
		// Not stop(): that removes the cluster, which the next attempt on another port still needs.
		server.kill();
		await becomesTrue(() => server.exitInfo() !== undefined, 5_000, 50);
		throw new Error(`postgres on port ${port} did not become ready (${server.exitInfo() ?? 'no answer in 30 s'}):\n${output}`);
	}
	return { host: '127.0.0.1', port, user: 'postgres', database: 'postgres', pid: server.pid, stop: server.stop, kill: server.kill };
}

function serverBinDir(rootDir: string): string | undefined {
	const base = join(rootDir, 'usr', 'lib', 'postgresql');
	if (!existsSync(base)) return undefined;
	const major = readdirSync(base).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a))[0];
	return major ? join(base, major, 'bin') : undefined;
}
