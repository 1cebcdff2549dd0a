import fs from 'node:fs';
import path from 'node:path';

/**
 * Originals kept content-addressed: `<root>/ab/cdef...` for SHA-256 `abcdef...`. A blob appears whole or not
 * at all (written to a temporary sibling, fsynced, renamed). Writes are asynchronous so an import keeps
 * decoding while the disk works; `flush()` makes the new directory entries durable before the database
 * points at them.
 */
export class BlobStore {
  private readonly dirtyFolders = new Set<string>();

  constructor(readonly root: string) {}

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256 hex digest: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2));
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  read(sha256: string): Buffer {
    return fs.readFileSync(this.pathOf(sha256));
  }

  /** Stores the bytes unless a blob with this digest exists; true when it wrote one. */
  async put(sha256: string, bytes: Uint8Array): Promise<boolean> {
    const target = this.pathOf(sha256);
    if (fs.existsSync(target)) return false;
    const folder = path.dirname(target);
    await fs.promises.mkdir(folder, { recursive: true });
    const tmp = path.join(folder, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    const handle = await fs.promises.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, target);
    this.dirtyFolders.add(folder);
    return true;
  }

  /** Fsyncs the folders that gained blobs since the last flush. */
  async flush(): Promise<void> {
    const folders = [...this.dirtyFolders];
    this.dirtyFolders.clear();
    await Promise.all(
      folders.map(async (folder) => {
        const handle = await fs.promises.open(folder, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      }),
    );
  }
}
