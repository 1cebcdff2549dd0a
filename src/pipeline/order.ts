import { hashKey, RandomStream, shuffleInPlace } from './random.js';

const SHUFFLE = 0x5f1e;
const AUGMENT = 0xa06e;

/**
 * Positions (into the loader's image list) of one training epoch: a seeded shuffle, or with balanced
 * sampling `count` draws with replacement where each class is equally likely (an image's chance is
 * inverse to its class's frequency).
 */
export function trainingOrder(labels: Int32Array, seed: number, epoch: number, balanced: boolean): number[] {
  const random = new RandomStream(hashKey(seed, epoch, SHUFFLE));
  if (!balanced) return shuffleInPlace(Array.from(labels, (_, i) => i), random);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b).map((label) => byClass.get(label)!);
  return Array.from(labels, () => {
    const members = classes[random.below(classes.length)]!;
    return members[random.below(members.length)]!;
  });
}

/**
 * The augmentation key of every position: from (seed, epoch, image id, how many times the image came
 * before in this epoch), so a sample's augmentation does not depend on the batch it lands in.
 */
export function augmentKeys(order: readonly number[], imageIds: readonly number[], seed: number, epoch: number): number[] {
  const seen = new Map<number, number>();
  return order.map((position) => {
    const id = imageIds[position]!;
    const repeat = seen.get(id) ?? 0;
    seen.set(id, repeat + 1);
    return hashKey(seed, epoch, id, repeat, AUGMENT);
  });
}
