import { OsteonError } from '../../errors.js';
import { REVIEW_STATUSES, SPLITS, type ImageFilter, type ReviewStatus, type Split } from '../../data/index.js';

/** What the dataset page's filter bar sends: every field optional, `none` meaning unlabelled or in no split. */
export interface ImageQuery {
  label?: string;
  status?: string;
  split?: string;
  group?: string;
}

/** The store's filter for a query from the dataset page; unknown values are refused with the accepted ones. */
export function imageFilterOf(query: ImageQuery): ImageFilter {
  const filter: ImageFilter = {};
  if (query.label) filter.label = query.label === 'none' ? null : query.label;
  if (query.status) {
    if (!REVIEW_STATUSES.includes(query.status as ReviewStatus)) {
      throw new OsteonError('BAD_REQUEST', `status is one of ${REVIEW_STATUSES.join(', ')}, got "${query.status}".`);
    }
    filter.status = query.status as ReviewStatus;
  }
  if (query.split) {
    if (query.split === 'none') filter.split = null;
    else if (SPLITS.includes(query.split as Split)) filter.split = query.split as Split;
    else throw new OsteonError('BAD_REQUEST', `split is one of ${SPLITS.join(', ')} or none, got "${query.split}".`);
  }
  if (query.group) {
    if (!/^\d+$/.test(query.group)) throw new OsteonError('BAD_REQUEST', `group is an image id (a number), got "${query.group}".`);
    filter.duplicateGroup = Number(query.group);
  }
  return filter;
}
