export * from './channels';
export * from './dueSource';
export * from './digest';
