/**
 * The schema of osteon.db as numbered migrations, applied in order and recorded in `schema_migrations`.
 * Never edit a released migration: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'projects, images, labels and review status with history',
    sql: `
      CREATE TABLE projects (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        classes TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        sha256 TEXT NOT NULL,
        phash TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        format TEXT NOT NULL,
        bits INTEGER NOT NULL,
        byte_size INTEGER NOT NULL,
        source_path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        folder TEXT NOT NULL DEFAULT '',
        patient_id TEXT,
        study_uid TEXT,
        body_part TEXT,
        view TEXT,
        label TEXT,
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ready', 'excluded')),
        split TEXT CHECK (split IN ('train', 'val', 'test')),
        source_split TEXT CHECK (source_split IN ('train', 'val', 'test')),
        duplicate_group INTEGER,
        warnings TEXT NOT NULL DEFAULT '[]',
        imported_at TEXT NOT NULL,
        UNIQUE (project_id, sha256)
      );
      CREATE INDEX images_by_label ON images(project_id, label);
      CREATE INDEX images_by_status ON images(project_id, status);
      CREATE INDEX images_by_split ON images(project_id, split);
      CREATE INDEX images_by_group ON images(project_id, duplicate_group);
      CREATE INDEX images_by_patient ON images(project_id, patient_id);
      CREATE TABLE label_history (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        from_label TEXT,
        to_label TEXT,
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL
      );
      CREATE INDEX label_history_by_image ON label_history(image_id);
      CREATE TABLE status_history (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        from_status TEXT,
        to_status TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL
      );
      CREATE INDEX status_history_by_image ON status_history(image_id);
    `,
  },
  {
    version: 2,
    name: 'training runs, their epochs and evaluations',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        arch TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'stopped')),
        recipe TEXT NOT NULL,
        data_hash TEXT NOT NULL,
        train_images INTEGER NOT NULL,
        val_images INTEGER NOT NULL,
        parameters INTEGER NOT NULL,
        epochs_done INTEGER NOT NULL DEFAULT 0,
        best_epoch INTEGER,
        best_val_auroc REAL,
        threshold REAL,
        images_per_second REAL,
        train_seconds REAL NOT NULL DEFAULT 0,
        error TEXT,
        sweep_id TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX runs_by_project ON runs(project_id, created_at);
      CREATE TABLE run_epochs (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        PRIMARY KEY (run_id, epoch)
      );
      CREATE TABLE evaluations (
        id INTEGER PRIMARY KEY,
        run_id TEXT REFERENCES runs(id) ON DELETE CASCADE,
        model_file TEXT,
        split TEXT NOT NULL,
        metrics TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX evaluations_by_run ON evaluations(run_id);
    `,
  },
  {
    version: 3,
    name: 'API keys, stored as hashes',
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT,
        scope TEXT NOT NULL CHECK (scope IN ('predict', 'admin')),
        key_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_used_at TEXT
      );
    `,
  },
  {
    version: 4,
    name: 'jobs of the embedded queue, their events, and the workspace id',
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        group_id TEXT,
        progress TEXT,
        state TEXT,
        result TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        max_attempts INTEGER NOT NULL DEFAULT 3,
        worker TEXT,
        heartbeat_ms INTEGER,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
      );
      CREATE INDEX jobs_by_status ON jobs(status, created_at);
      CREATE INDEX jobs_by_group ON jobs(group_id);
      CREATE TABLE job_events (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        event TEXT NOT NULL
      );
      CREATE INDEX job_events_by_job ON job_events(job_id, id);
      CREATE TABLE workspace_info (id TEXT NOT NULL);
      INSERT INTO workspace_info (id) VALUES (lower(hex(randomblob(8))));
    `,
  },
  {
    version: 5,
    name: 'instances gathered from a PACS, image embeddings for similar-image search, the de-identification salt',
    sql: `
      CREATE TABLE gathered_instances (
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        sop_instance_uid TEXT NOT NULL,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        gathered_at TEXT NOT NULL,
        PRIMARY KEY (project_id, sop_instance_uid)
      );
      CREATE INDEX gathered_instances_by_image ON gathered_instances(image_id);
      CREATE TABLE image_embeddings (
        embedder TEXT NOT NULL,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        vector BLOB NOT NULL,
        PRIMARY KEY (embedder, image_id)
      );
      CREATE INDEX image_embeddings_by_image ON image_embeddings(image_id);
      CREATE TABLE workspace_secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      INSERT INTO workspace_secrets (name, value) VALUES ('deidentification_salt', lower(hex(randomblob(32))));
    `,
  },
  {
    version: 6,
    name: 'the process that trains a run, so that a killed one can be told from a live one',
    sql: `ALTER TABLE runs ADD COLUMN owner TEXT;`,
  },
];
