import type { Graph } from './ir.js';
import { OsteonError } from '../errors.js';
import type { TrainRecipe } from '../train/recipe.js';

export interface ArchitectureOptions {
  /** Number of output classes (default 2: fractured, normal). */
  numClasses?: number;
  /** 1 for grey radiographs, 3 to reuse ImageNet weights (default 3). */
  inputChannels?: number;
}

export interface ArchitectureInfo {
  name: string;
  /** Family used for globbing and display, e.g. `efficientnet`. */
  family: string;
  description: string;
  /**
   * `torchvision`: the same modules, state_dict keys and arithmetic as torchvision's model of this name, so its
   * checkpoints load and the plain PyTorch recipe can be compared with it; `osteon`: defined here alone.
   */
  origin: 'torchvision' | 'osteon';
  /**
   * Where this architecture's default training recipe differs from the common one, and why (measured): the
   * recipe a user gets by naming the architecture, before their own overrides.
   */
  recipe?: Readonly<Partial<Omit<TrainRecipe, 'arch'>>>;
  create: (options: Required<ArchitectureOptions>) => Graph;
}

const registry = new Map<string, ArchitectureInfo>();

/** Called once by each file under `zoo/`; adding an architecture touches that file alone. */
export function registerArchitecture(info: ArchitectureInfo): void {
  if (registry.has(info.name)) throw new Error(`architecture "${info.name}" is registered twice`);
  registry.set(info.name, info);
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Registered architecture names matching a glob (`mobilenet*`), sorted. */
export function listModels(pattern = '*'): string[] {
  const re = globToRegExp(pattern);
  return [...registry.keys()].filter((name) => re.test(name)).sort();
}

/** The architectures that mirror a torchvision model (see ArchitectureInfo.origin), sorted. */
export function listTorchvisionModels(pattern = '*'): string[] {
  return listModels(pattern).filter((name) => registry.get(name)!.origin === 'torchvision');
}

export function architectureInfo(name: string): ArchitectureInfo {
  const info = registry.get(name);
  if (!info) {
    throw new OsteonError(
      'UNKNOWN_ARCHITECTURE',
      `Unknown architecture "${name}". Known: ${listModels().join(', ')}.`,
    );
  }
  return info;
}

/** Builds the graph of a registered architecture. */
export function createModelGraph(name: string, options: ArchitectureOptions = {}): Graph {
  const numClasses = options.numClasses ?? 2;
  const inputChannels = options.inputChannels ?? 3;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new OsteonError('BAD_OPTION', `numClasses must be an integer >= 2, got ${numClasses}.`);
  }
  if (inputChannels !== 1 && inputChannels !== 3) {
    throw new OsteonError('BAD_OPTION', `inputChannels must be 1 (grey) or 3 (RGB), got ${inputChannels}.`);
  }
  return architectureInfo(name).create({ numClasses, inputChannels });
}
