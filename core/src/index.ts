export * from './types';
export * from './errors';
export * from './store/documentStore';
export * from './commands/contract';
export * from './store/memoryDocumentStore';
