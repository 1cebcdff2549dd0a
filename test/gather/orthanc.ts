import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A free TCP port on loopback (asked of the kernel, then released for Orthanc to take). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The DICOMweb plugin's shared library, as the Debian package installed it. */
function dicomWebPlugin(): string {
  let files: string[];
  try {
    files = execFileSync('dpkg', ['-L', 'orthanc-dicomweb'], { encoding: 'utf8' }).split('\n');
  } catch {
    throw new Error('The Debian package orthanc-dicomweb is not installed: run scripts/setup.sh (it installs orthanc and orthanc-dicomweb).');
  }
  const plugin = files.find((f) => /libOrthancDicomWeb\.so/.test(f) && fs.existsSync(f));
  if (!plugin) throw new Error('orthanc-dicomweb is installed but its plugin library was not found in `dpkg -L orthanc-dicomweb`.');
  return plugin;
}

/**
 * A real Orthanc PACS for tests: its own storage in a temporary folder, HTTP on a free loopback port, the
 * DICOMweb plugin enabled, basic auth required. `stop()` and `start()` again keep the stored instances.
 */
export class TestOrthanc {
  readonly user = 'osteon';
  readonly password = 'test-password';
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly configFile: string,
  ) {}

  static async start(): Promise<TestOrthanc> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osteon-orthanc-'));
    const port = await freePort();
    const config = {
      Name: 'osteon-test',
      StorageDirectory: path.join(dir, 'storage'),
      IndexDirectory: path.join(dir, 'storage'),
      HttpPort: port,
      DicomPort: await freePort(),
      RemoteAccessAllowed: false,
      AuthenticationEnabled: true,
      RegisteredUsers: { osteon: 'test-password' },
      Plugins: [dicomWebPlugin()],
      DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false },
    };
    const configFile = path.join(dir, 'orthanc.json');
    fs.writeFileSync(configFile, JSON.stringify(config, null, 2));
    const orthanc = new TestOrthanc(dir, port, configFile);
    await orthanc.start();
    return orthanc;
  }

  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get dicomWebUrl(): string {
    return `${this.restUrl}/dicom-web`;
  }

  get authorization(): string {
    return `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
  }

  async start(): Promise<void> {
    const binary = fs.existsSync('/usr/sbin/Orthanc') ? '/usr/sbin/Orthanc' : 'Orthanc';
    const log = fs.openSync(path.join(this.dir, 'orthanc.log'), 'a');
    const child = spawn(binary, [this.configFile], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`Orthanc exited (${code}) while starting; see ${path.join(this.dir, 'orthanc.log')}`))),
    );
    const deadline = Date.now() + 20_000;
    const ready = (async () => {
      while (Date.now() < deadline) {
        try {
          const answer = await fetch(`${this.restUrl}/system`, { headers: { authorization: this.authorization } });
          if (answer.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('Orthanc did not answer within 20 s');
    })();
    await Promise.race([ready, exited]);
    child.removeAllListeners('exit');
  }

  /** Stops the server (SIGKILL with `abruptly`, as a crash would) and waits until it has exited. */
  async stop(options: { abruptly?: boolean } = {}): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(options.abruptly ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  /** Stores a DICOM file (REST `POST /instances`); returns Orthanc's id of the instance. */
  async upload(bytes: Uint8Array): Promise<string> {
    const answer = await fetch(`${this.restUrl}/instances`, {
      method: 'POST',
      headers: { authorization: this.authorization, 'content-type': 'application/dicom' },
      body: new Uint8Array(bytes),
    });
    if (!answer.ok) throw new Error(`Orthanc refused the upload: ${answer.status} ${await answer.text()}`);
    return ((await answer.json()) as { ID: string }).ID;
  }

  async dispose(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
