import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { CommandRequest } from '../cli/parse-command';
import { runCommand, type CommandResult } from '../cli/run-command';
import type { Logger } from '../log';
import type { Runtime } from '../runtime';

export const CONTROL_SOCKET = 'control.sock';
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

interface ControlRequest {
  request: CommandRequest;
  actor: string;
}

/**
 * Listens on a Unix socket in the data folder, with mode 0600, so that CLI
 * commands of the same OS user run inside the collector that holds the
 * embedded database. One JSON line in, one JSON line out.
 */
export async function startControlSocket(dataDir: string, runtime: Runtime, logger: Logger): Promise<{ close(): Promise<void> }> {
  const file = path.join(dataDir, CONTROL_SOCKET);
  // The data folder lock is held, so a socket file left here belongs to a dead process.
  await rm(file, { force: true });

  const server = net.createServer((socket) => {
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_REQUEST_BYTES) return socket.destroy();

      const end = buffer.indexOf('\n');
      if (end === -1) return;
      void answer(buffer.slice(0, end)).then((result) => socket.end(`${JSON.stringify(result)}\n`));
    });
    socket.on('error', () => socket.destroy());
  });

  async function answer(line: string): Promise<CommandResult> {
    try {
      const { request, actor } = JSON.parse(line) as ControlRequest;
      logger.info({ command: request.name, actor }, 'control command');
      return await runCommand(runtime, request, actor);
    } catch (error) {
      logger.error({ err: error }, 'control command failed');
      return { exitCode: 1, stdout: '', stderr: `The collector failed to run the command: ${(error as Error).message}\n` };
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  await chmod(file, 0o600);

  return {
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Sends a command to the collector running on the data folder. Returns
 * undefined when none is listening, so the caller can open the folder itself.
 */
export async function sendControlCommand(dataDir: string, request: CommandRequest, actor: string): Promise<CommandResult | undefined> {
  const file = path.join(dataDir, CONTROL_SOCKET);

  return new Promise((resolve, reject) => {
    const socket = net.connect(file);
    let buffer = '';
    let connected = false;

    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ request, actor } satisfies ControlRequest)}\n`);
    });
    socket.on('data', (chunk: string) => (buffer += chunk));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffer) as CommandResult);
      } catch {
        reject(new Error(`The collector on ${dataDir} closed the control socket without an answer; check its log.`));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) resolve(undefined);
      else reject(error);
    });
  });
}
