export { createSampleWorkspace, DEFAULT_SAMPLE_PROJECTS, DEFAULT_SAMPLE_SEED } from './generate';
export type { SampleOptions, SampleWorkspace } from './generate';
export { SAMPLE_IDENTITIES, sampleActor } from './identities';
export { SAMPLE_BANKS, DISTRICTS as SAMPLE_DISTRICTS, SECTORS as SAMPLE_SECTORS } from './catalog';
export { seedStore } from './seedStore';
