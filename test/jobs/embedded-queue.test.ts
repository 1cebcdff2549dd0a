import { openJobQueue } from '../../src/jobs/index.js';
import { runJobQueueConformance } from '../helpers/job-queue-conformance.js';

runJobQueueConformance('embedded (SQLite)', (workspace) => openJobQueue({ workspace }));
