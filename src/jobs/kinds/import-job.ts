// The `import` kind: a folder, CSV, zip or DICOM folder into a project, each bad file reported, none fatal.
import { getProject, importPath, withStore, type ImportPathOptions } from '../../data/index.js';
import type { JobContext } from '../registry.js';

export default async function runImportJob(payload: { project: string | number; path: string; options?: ImportPathOptions }, context: JobContext) {
  return withStore(context.workspace, (store) =>
    importPath(store, getProject(store, payload.project), payload.path, payload.options ?? {}, (p) =>
      context.progress({ percent: p.total ? (100 * p.done) / p.total : 0, message: `${p.done}/${p.total} ${p.file}` }),
    ),
  );
}
