/** The augmentation settings a user chose for a project, kept in this browser and sent with each training launch. */
export type AugmentSettings = Record<string, number | Record<string, number | number[]>>;

const key = (project: string) => `osteon.augment.${project}`;

export function loadAugment(project: string): AugmentSettings | null {
  try {
    return JSON.parse(localStorage.getItem(key(project)) ?? 'null') as AugmentSettings | null;
  } catch {
    return null;
  }
}

export function saveAugment(project: string, settings: AugmentSettings): void {
  localStorage.setItem(key(project), JSON.stringify(settings));
}
